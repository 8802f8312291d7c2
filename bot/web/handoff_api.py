"""Hand-off routes: the advisors' API (``/admin/api/handoffs*``), their inbox page, and the widget's
``GET /api/sessions/{session_id}/messages``.

The advisors' routes take ``Authorization: Bearer $CREDITBOT_ADMIN_TOKEN`` through :func:`require_admin`
(the one place console authentication is decided); an advisor's replies are rate limited per client address
like chat requests, in a count of their own. The session messages route answers only the web
caller that owns the session: a web session id is the caller's own (see :mod:`bot.web.api`), and a
session of another channel is never readable here.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from datetime import datetime
from importlib import resources
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from bot.chat import ChatService
from bot.channels.handoff_delivery import Deliverer, DeliveryFailed
from bot.handoff.desk import Handoff, HandoffDesk
from bot.web import models
from bot.web.api import Refused, limit_rate, web_session_id

logger = logging.getLogger(__name__)

AUTH_FAILED = "the console API needs Authorization: Bearer <CREDITBOT_ADMIN_TOKEN>"


class HandoffItem(BaseModel):
    """A conversation waiting for or held by a person."""

    session_id: str
    channel: str
    last_message: str
    since: datetime


class MessageItem(BaseModel):
    """One message of a conversation."""

    id: int
    role: Literal["user", "bot", "advisor"]
    text: str
    at: datetime


class AdvisorReply(BaseModel):
    """Body of ``POST /admin/api/handoffs/{session_id}/reply``."""

    text: str = Field(min_length=1, max_length=4000, description="The advisor's answer, sent as it is")


class Accepted(BaseModel):
    """The reply is stored and on its way to the user's channel."""

    id: int
    delivery: Literal["pending"] = "pending"


class Detail(BaseModel):
    """A refused console request."""

    detail: str


def require_admin(request: Request) -> None:
    """Let the request through for a signed-in console operator (``app.state.operator_auth``, when the console is
    mounted: its cookie + CSRF, or the token) or with the admin bearer token; 401 otherwise."""
    operator_auth = getattr(request.app.state, "operator_auth", None)
    if operator_auth is not None:
        operator_auth(request)
        return
    token = request.app.state.web.settings.admin_token
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    if token is None or scheme.lower() != "bearer" or not hmac.compare_digest(
        value.strip().encode(), token.get_secret_value().encode()
    ):
        raise HTTPException(401, AUTH_FAILED, headers={"WWW-Authenticate": "Bearer"})


Admin = Annotated[None, Depends(require_admin)]
ADMIN_ERRORS: dict[int | str, dict] = {401: {"model": Detail}, 404: {"model": Detail}, 503: {"model": Detail}}


class HandoffDesks:
    """The desk and deliverer of this app, created on first use (the chat service starts after the app)."""

    def __init__(self) -> None:
        self._desk: HandoffDesk | None = None
        self._deliverer: Deliverer | None = None
        self.background: set[asyncio.Task[None]] = set()

    def chat(self, request: Request) -> ChatService:
        """The ready chat service, or 503."""
        chat = request.app.state.web.chat
        if chat is None or not request.app.state.web.ready:
            raise HTTPException(503, "the assistant is still starting; try again shortly")
        return chat

    def desk(self, request: Request) -> HandoffDesk:
        """The hand-off desk on the chat service's conversation store."""
        if self._desk is None:
            self._desk = HandoffDesk(self.chat(request).store.engine)
        return self._desk

    def deliverer(self, request: Request) -> Deliverer:
        """Who delivers advisor replies, by channel."""
        if self._deliverer is None:
            self._deliverer = Deliverer(request.app.state.web.settings, self.chat(request).store.engine)
        return self._deliverer

    def deliver_later(self, deliverer: Deliverer, handoff: Handoff, text: str) -> None:
        """Deliver in the background (the advisor's request does not wait on the channel); failures are logged."""

        async def run() -> None:
            try:
                how = await deliverer.deliver(handoff, text)
                logger.info("advisor reply to a %s user: %s", handoff.channel, how)
            except DeliveryFailed as e:
                logger.warning("advisor reply not delivered on %s: %s", handoff.channel, e)

        task = asyncio.create_task(run())
        self.background.add(task)
        task.add_done_callback(self.background.discard)


AFTER = {"parameters": [{"name": "after", "in": "query", "required": False,
                         "description": "Only messages with a higher id (all when absent)",
                         "schema": {"type": "integer", "minimum": 0}}]}


def after_id(request: Request) -> int:
    """The ``after`` query parameter (0 when absent); :class:`Refused` 422 when it is not a message id."""
    raw = request.query_params.get("after", "0")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise Refused(422, "after must be a message id (a whole number, 0 or more)", reason="bad_input")
    return int(raw)


def _item(handoff: Handoff) -> dict[str, object]:
    return {"session_id": handoff.session_id, "channel": handoff.channel, "last_message": handoff.last_message,
            "since": handoff.since.isoformat()}


def build_router() -> APIRouter:
    """The hand-off routes (state comes from ``request.app.state.web``)."""
    router = APIRouter()
    desks = HandoffDesks()
    router.handoff_desks = desks  # type: ignore[attr-defined]
    _add_advisor_routes(router, desks)
    _add_session_routes(router)
    return router


def _add_advisor_routes(router: APIRouter, desks: HandoffDesks) -> None:
    """``/admin/api/handoffs*``: the advisors' side."""

    @router.get("/admin/api/handoffs", response_model=list[HandoffItem], responses=ADMIN_ERRORS)
    async def list_handoffs(request: Request, _: Admin) -> JSONResponse:
        """Conversations waiting for or held by a person, the longest waiting first."""
        waiting = await run_in_threadpool(desks.desk(request).waiting)
        return JSONResponse([_item(h) for h in waiting], headers={"Cache-Control": "no-store"})

    @router.get("/admin/api/handoffs/{session_id}/messages", response_model=list[MessageItem],
                responses={**ADMIN_ERRORS, **models.errors(422)}, openapi_extra=AFTER)
    async def handoff_messages(request: Request, session_id: str, _: Admin) -> JSONResponse:
        """The conversation of any session (the advisors' inbox), after message ``after``, oldest first."""
        try:
            after = after_id(request)
        except Refused as e:
            return e.response()
        store = desks.chat(request).store
        return JSONResponse(await run_in_threadpool(store.messages_after, session_id, after),
                            headers={"Cache-Control": "no-store"})

    @router.post("/admin/api/handoffs/{session_id}/reply", status_code=202, response_model=Accepted,
                 responses={**ADMIN_ERRORS, **models.errors(429)})
    async def reply_to_user(request: Request, session_id: str, body: AdvisorReply, _: Admin) -> JSONResponse:
        """Deliver an advisor's text to the user on the user's channel (in the background); 202.

        Each reply goes out on the user's channel (a Telegram or WeChat message), so replies are counted per client
        address like chat requests, in a count of their own: past the limit, 429 with ``Retry-After``.
        """
        try:
            limit_rate(request.app.state.web, request, None, count="advisor:")
        except Refused as e:
            return e.response()
        handoff = await run_in_threadpool(desks.desk(request).get, session_id)
        if handoff is None:
            raise HTTPException(404, "this conversation is not handed off")
        chat = desks.chat(request)
        message_id = await run_in_threadpool(chat.store.add_message, session_id, "advisor", body.text.strip())
        desks.deliver_later(desks.deliverer(request), handoff, body.text.strip())
        return JSONResponse({"id": message_id, "delivery": "pending"}, status_code=202)

    @router.post("/admin/api/handoffs/{session_id}/close", status_code=204, response_class=Response,
                 responses=ADMIN_ERRORS)
    async def close_handoff(request: Request, session_id: str, _: Admin) -> Response:
        """Give the conversation back to the bot; 204."""
        if not await run_in_threadpool(desks.desk(request).close, session_id):
            raise HTTPException(404, "this conversation is not handed off")
        return Response(status_code=204)


def _add_session_routes(router: APIRouter) -> None:
    """The widget's session messages and the inbox page."""

    @router.get("/api/sessions/{session_id}/messages", response_model=list[MessageItem],
                responses=models.errors(403, 404, 422, 429, 503), openapi_extra=AFTER)
    async def session_messages(request: Request, session_id: str) -> JSONResponse:
        """The messages of the caller's own web conversation after message ``after`` (all when absent), oldest first.

        The widget polls this to show advisors' replies (``role: advisor``); polls are rate limited per client
        address like chat requests, in a count of their own.
        """
        state = request.app.state.web
        try:
            sid = web_session_id(session_id)
            after = after_id(request)
            why = state.site_keys.check(request.query_params.get("site_key") or request.headers.get("X-Site-Key"),
                                        request.headers.get("origin"))
            if why:
                raise Refused(403, why, reason="site_key")
            limit_rate(state, request, None, count="poll:")  # per address only: a site's visitors poll at once
            if state.chat is None or not state.ready:
                raise Refused(503, "the assistant is still starting; try again shortly", reason="not_ready")
            if await run_in_threadpool(state.chat.store.session_owner, sid) != "web":
                raise Refused(404, "no such conversation", reason="unknown_session")
        except Refused as e:
            return e.response()
        messages = await run_in_threadpool(state.chat.store.messages_after, sid, after)
        return JSONResponse(messages, headers={"Cache-Control": "no-store"})

    @router.get("/admin/inbox", response_class=HTMLResponse, include_in_schema=False)
    async def inbox_page() -> HTMLResponse:
        """The advisors' inbox (it asks for the admin token and keeps it in the tab's session storage)."""
        page = resources.files("bot").joinpath("static", "inbox.html").read_text(encoding="utf-8")
        return HTMLResponse(page, headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})
