"""What a site owner's embed needs: ``/widget.js`` (its styles inlined from ``widget.css``), a key/origin check
the widget can read from any origin (so it can say what is wrong instead of failing on a refused CORS
preflight), and the favicon.
"""

from __future__ import annotations

import json
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from bot.web.sitekeys import SETTING, SiteKeys

CHECK_PATH = "/api/widget/check"
CSS_PLACEHOLDER = '"__WIDGET_CSS__"'


def _static(name: str) -> str:
    return resources.files("bot").joinpath("static", name).read_text(encoding="utf-8")


def widget_script() -> str:
    """``widget.js`` with ``widget.css`` put in as a string literal: one request, no flash of unstyled widget."""
    return _static("widget.js").replace(CSS_PLACEHOLDER, json.dumps(_static("widget.css")), 1)


def build_router() -> APIRouter:
    """The widget, embed-check and favicon routes (site keys come from ``request.app.state.web``)."""
    router = APIRouter()
    script = widget_script()

    @router.get("/widget.js")
    async def widget() -> Response:
        """The embeddable widget (plain JS, no build step)."""
        return Response(script, media_type="application/javascript; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"})

    @router.get(CHECK_PATH)
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

    @router.get("/favicon.svg")
    @router.get("/favicon.ico")
    async def favicon() -> Response:
        """The demo page's icon (browsers ask for /favicon.ico whatever the page says)."""
        icon = resources.files("bot").joinpath("static", "favicon.svg").read_bytes()
        return Response(icon, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})

    return router
