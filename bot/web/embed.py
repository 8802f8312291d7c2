"""What a site owner's embed needs: ``/widget.js`` (assembled from the files in ``bot/static``), a key/origin check
the widget can read from any origin (so it can say what is wrong instead of failing on a refused CORS
preflight), and the favicon.
"""

from __future__ import annotations

import json
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from bot.web.sitekeys import SETTING, SiteKeys

CHECK_PATH = "/api/widget/check"
ICON = {200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}}}}
CSS_PLACEHOLDER = '"__WIDGET_CSS__"'
TEXT_PLACEHOLDER = "/* __WIDGET_TEXT__ */"
LIVE_PLACEHOLDER = "/* __WIDGET_LIVE__ */"


class EmbedCheck(BaseModel):
    """The embed check's answer: ``ok``, or why not and which setting changes it."""

    ok: bool
    code: str | None = None
    reason: str | None = None
    setting: str | None = None


def _static(name: str) -> str:
    return resources.files("bot").joinpath("static", name).read_text(encoding="utf-8")


def widget_script() -> str:
    """``widget.js`` with ``widget-text.js``, ``widget-live.js`` and ``widget.css`` (as a string literal) put in: one
    request, no flash of an unstyled widget, and each part in a file of its own."""
    script = _static("widget.js").replace(TEXT_PLACEHOLDER, _static("widget-text.js"), 1)
    script = script.replace(LIVE_PLACEHOLDER, _static("widget-live.js"), 1)
    return script.replace(CSS_PLACEHOLDER, json.dumps(_static("widget.css")), 1)


def build_router() -> APIRouter:
    """The widget, embed-check and favicon routes (site keys come from ``request.app.state.web``)."""
    router = APIRouter()
    script = widget_script()

    @router.get("/widget.js", response_class=Response,
                responses={200: {"content": {"application/javascript": {"schema": {"type": "string"}}}}})
    async def widget() -> Response:
        """The embeddable widget (plain JS, no build step)."""
        return Response(script, media_type="application/javascript; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"})

    @router.get(CHECK_PATH, response_model=EmbedCheck)
    async def widget_check(request: Request, site_key: str = "") -> JSONResponse:
        """Whether this page's origin may use ``site_key``; readable from every origin (it only says yes or why not).

        ``{"ok": true}``, or ``{"ok": false, "code": ..., "reason": ..., "setting": "CREDITBOT_SITE_KEYS"}``
        where ``reason`` names the exact change that makes the embed work.
        """
        keys: SiteKeys = request.app.state.web.site_keys
        refusal = keys.explain(site_key or None, request.headers.get("origin"))
        body: dict[str, object] = {"ok": refusal is None}
        if refusal is not None:
            body |= {"code": refusal.code, "reason": refusal.message, "setting": SETTING}
        return JSONResponse(body, headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store"})

    @router.get("/favicon.svg", response_class=Response, responses=ICON)
    @router.get("/favicon.ico", response_class=Response, responses=ICON)
    async def favicon() -> Response:
        """The demo page's icon (browsers ask for /favicon.ico whatever the page says)."""
        icon = resources.files("bot").joinpath("static", "favicon.svg").read_bytes()
        return Response(icon, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})

    return router
