"""``POST /api/chat`` (JSON or Server-Sent Events) and ``POST /api/feedback``.

Only HTTP lives here: parsing, limits, site keys; the answering is :class:`bot.chat.ChatService`'s, whose
synchronous calls run in the thread pool so the event loop never blocks.

Session ids of this API are namespaced ``web:...``: a client may name its own (``abc`` becomes
``web:abc``) but never another channel's (``wecom:...``, ``tg:...``: 403), and a stored session answers
only the channel that started it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from dataclasses import replace
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.requests import ClientDisconnect

from bot.chat import ChatService, clean_message
from bot.config import Settings
from bot.messages import Caller, Incoming, Reply
from bot.policy import caller_for
from bot.store import ForeignSession, owner_of
from bot.web import models
from bot.web.bodies import BadBody, body_limit, parse_object
from bot.web.state import WebState
from knowledge.errors import InvalidMessage

logger = logging.getLogger(__name__)

SESSION_ID = re.compile(r"^(?:web:)?([A-Za-z0-9_.-]{1,60})$")
WEB_PREFIX = "web:"
SITE_KEY_HEADER = "X-Site-Key"
READY_WAIT_S = 60.0
UNAVAILABLE = "the assistant could not answer right now; please try again in a moment"


class Refused(Exception):
    """A request refused before answering; becomes a JSON error response."""

    def __init__(self, status: int, message: str, *, reason: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        """The error as ``{"error": message}``."""
        return JSONResponse({"error": self.message}, status_code=self.status, headers=self.headers)


def caller_for_web(settings: Settings, raw_user_id: str, site_key: str | None, *, internal: bool = False) -> Caller:
    """The caller of a web request, decided by ``bot.policy``; a site key marked internal may use buyer tools."""
    caller = caller_for(settings, "web", raw_user_id, site_key=site_key)
    return replace(caller, may_lookup_buyers=True) if internal else caller


def _state(request: Request) -> WebState:
    return request.app.state.web


def _client_ip(request: Request) -> str:
    """The socket peer (uvicorn rewrites it from X-Forwarded-For only for CREDITBOT_TRUSTED_PROXIES)."""
    return request.client.host if request.client else "unknown"


def _site_key(request: Request, body: dict[str, Any] | None = None) -> str | None:
    key = request.headers.get(SITE_KEY_HEADER) or request.query_params.get("site_key")
    if not key and body and isinstance(body.get("site_key"), str):
        key = body["site_key"]
    return key or None


async def _wait_ready(state: WebState) -> None:
    """Hold a request that reached a worker still warming up (another worker may have passed /healthz)."""
    deadline = time.monotonic() + READY_WAIT_S
    while not state.ready and state.error is None and time.monotonic() < deadline:
        await asyncio.sleep(0.2)


def _guard(state: WebState, request: Request) -> str | None:
    """Readiness, site key/origin and rate limits; returns the site key."""
    if state.error is not None:
        raise Refused(503, "the assistant failed to start; see the server log", reason="not_ready",
                      headers={"Retry-After": "30"})
    if not state.ready or state.chat is None:
        raise Refused(503, "the assistant is still starting; try again shortly", reason="not_ready",
                      headers={"Retry-After": "5"})
    key = _site_key(request)
    why = state.site_keys.check(key, request.headers.get("origin"))
    if why:
        raise Refused(403, why, reason="site_key")
    limit_rate(state, request, key)
    return key


def limit_rate(state: WebState, request: Request, site_key: str | None, *, count: str = "") -> None:
    """Count the request per client address (and per site key, when given); :class:`Refused` 429 past the limit.

    ``count`` names a separate count (``"poll:"``): the widget's polling must not use up its user's chat.
    """
    wait = state.ip_limiter.hit(count + _client_ip(request))
    if not wait and site_key:
        wait = state.site_limiter.hit(count + site_key)
    if wait:
        raise Refused(429, f"too many requests; retry in {wait} s", reason="rate_limit",
                      headers={"Retry-After": str(wait)})


async def _read_json(request: Request, settings: Settings) -> dict[str, Any]:
    """The request body as a JSON object, within the byte cap, depth and number limits of :mod:`bot.web.bodies`."""
    max_bytes = body_limit(settings.max_body_bytes, settings.max_message_chars)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise Refused(413, f"request body too large (at most {max_bytes} bytes)", reason="too_large")
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_bytes:
                raise Refused(413, f"request body too large (at most {max_bytes} bytes)", reason="too_large")
    except ClientDisconnect:
        raise Refused(400, "the client went away before sending the whole body", reason="disconnected") from None
    try:
        return parse_object(bytes(body))
    except BadBody as e:
        raise Refused(e.status, str(e), reason=e.reason) from None


def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _record(state: WebState, reply: Reply, channel: str, started: float, mode: str) -> None:
    state.metrics.answer_latency.labels(mode).observe(time.perf_counter() - started)
    state.metrics.replies.labels(reply.status, channel).inc()


def web_session_id(raw: object) -> str | None:
    """The namespaced id of a client's ``session_id`` (None when absent).

    Raises:
        Refused: 403 for another channel's session id, 422 for anything else that is not an id.
    """
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise Refused(422, "session_id must be a string", reason="bad_input")
    match = SESSION_ID.match(raw)
    if match is None:
        if ":" in raw and not raw.startswith(WEB_PREFIX):
            raise Refused(403, "this session belongs to another channel", reason="foreign_session")
        raise Refused(422, "session_id must be 1-60 letters, digits or -_. (optionally after web:)",
                      reason="bad_input")
    return WEB_PREFIX + match.group(1)


def _parse_chat(state: WebState, data: dict[str, Any]) -> tuple[str, str | None]:
    session_id = web_session_id(data.get("session_id"))
    try:
        text = clean_message(data.get("message"), state.settings.max_message_chars)
    except InvalidMessage as e:
        raise Refused(422, str(e), reason="bad_input") from None
    return text, session_id


def _check_owner(owner: str | None, caller: Caller) -> None:
    if owner is not None and owner != owner_of(caller):
        raise Refused(403, "this session belongs to another channel", reason="foreign_session")


async def _check_session_cap(state: WebState, session_live: bool) -> None:
    if session_live:
        return
    live = await run_in_threadpool(state.live_sessions)
    if live >= state.settings.max_live_sessions:
        raise Refused(503, "too many open conversations; try again later", reason="session_cap",
                      headers={"Retry-After": "60"})


async def chat_endpoint(request: Request) -> Response:
    """Answer one message, as JSON or (``Accept: text/event-stream``) as Server-Sent Events."""
    state = _state(request)
    await _wait_ready(state)
    try:
        key = _guard(state, request)
        data = await _read_json(request, state.settings)
        text, session_id = _parse_chat(state, data)
        assert state.chat is not None
        chat = state.chat
        # One store query for both checks; a new visitor's session id is minted here, so it has no row yet.
        live, owner = await run_in_threadpool(chat.store.live_session_owner, session_id) if session_id else (False, None)
        await _check_session_cap(state, live)
        session_id = session_id or WEB_PREFIX + uuid.uuid4().hex
        caller = caller_for_web(state.settings, session_id, key, internal=state.site_keys.is_internal(key))
        _check_owner(owner, caller)
    except Refused as e:
        state.metrics.refused.labels(e.reason).inc()
        return e.response()
    incoming = Incoming(text, session_id, caller)
    started = time.perf_counter()
    if "text/event-stream" not in request.headers.get("accept", ""):
        try:
            reply = await run_in_threadpool(chat.handle, incoming)
        except ForeignSession:  # claimed by another channel since the check above
            return Refused(403, "this session belongs to another channel", reason="foreign_session").response()
        except Exception:  # the store, not the core (ChatService answers those with an apology)
            logger.exception("chat request failed for user %s", caller.user_hash)
            state.metrics.refused.labels("server_error").inc()
            return JSONResponse({"error": UNAVAILABLE}, status_code=503, headers={"Retry-After": "5"})
        _record(state, reply, caller.channel, started, "json")
        return JSONResponse(reply.to_dict())

    return _event_stream(state, chat, incoming, caller, started)


def _event_stream(state: WebState, chat: ChatService, incoming: Incoming, caller: Caller,
                  started: float) -> StreamingResponse:
    """The reply as Server-Sent Events: ``delta`` pieces as they come, then ``done`` with the whole reply."""

    async def events() -> AsyncIterator[str]:
        yield ": stream open\n\n"
        try:
            async for item in iterate_in_threadpool(chat.stream(incoming)):
                if isinstance(item, Reply):
                    _record(state, item, caller.channel, started, "sse")
                    yield _sse("done", item.to_dict())
                else:
                    yield _sse("delta", {"text": item})
        except Exception:  # headers are sent: tell the client in-band
            logger.exception("chat stream failed for user %s", caller.user_hash)
            state.metrics.refused.labels("server_error").inc()
            yield _sse("error", {"error": UNAVAILABLE})

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )



async def feedback_endpoint(request: Request) -> Response:
    """Record 👍/👎 (``rating``: "up"/"down" or 1/-1) and an optional comment on a reply."""
    state = _state(request)
    try:
        _guard(state, request)
        data = await _read_json(request, state.settings)
    except Refused as e:
        state.metrics.refused.labels(e.reason).inc()
        return e.response()
    reply_id, rating, comment = data.get("reply_id"), data.get("rating"), data.get("comment", "")
    ratings = {"up": 1, "down": -1, 1: 1, -1: -1}
    if not isinstance(reply_id, str) or not reply_id or len(reply_id) > 64:
        return JSONResponse({"error": "reply_id must be the reply's id"}, status_code=422)
    if isinstance(rating, bool) or not isinstance(rating, str | int) or rating not in ratings:
        return JSONResponse({"error": 'rating must be "up", "down", 1 or -1'}, status_code=422)
    if comment is None:
        comment = ""
    if not isinstance(comment, str) or len(comment) > 2000:
        return JSONResponse({"error": "comment must be text of at most 2000 characters"}, status_code=422)
    assert state.chat is not None
    if not await run_in_threadpool(state.chat.feedback, reply_id, ratings[rating], comment.strip()):
        return JSONResponse({"error": "unknown reply_id"}, status_code=404)
    return JSONResponse({"ok": True})



def build_router() -> APIRouter:
    """The chat API routes (state comes from ``request.app.state.web``)."""
    router = APIRouter()
    router.add_api_route(
        "/api/chat",
        response_model=None,
        responses={
            200: {"model": models.ChatReply, "description": "The reply (JSON), or with Accept: text/event-stream "
                  "`delta` events and a final `done` event carrying the reply",
                  "content": {"text/event-stream": {"schema": {"type": "string"}}}},
            **models.errors(400, 403, 413, 422, 429, 503),
        },
        openapi_extra=models.request_body(models.ChatRequest),
        endpoint=chat_endpoint,
        methods=["POST"],
    )
    router.add_api_route(
        "/api/feedback",
        response_model=None,
        responses={200: {"model": models.FeedbackReply}, **models.errors(400, 403, 404, 413, 422, 429, 503)},
        openapi_extra=models.request_body(models.FeedbackRequest),
        endpoint=feedback_endpoint,
        methods=["POST"],
    )
    return router
