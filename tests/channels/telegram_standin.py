"""A local stand-in for the Telegram Bot API: updates go in, sent messages and callback answers come out.

Speaks the Bot API's HTTP shape (``POST /bot<token>/<method>``, form or JSON parameters, ``{"ok": ...}``
envelopes) and checks what Telegram checks that matters here: HTML that would not parse and texts over
4096 characters are refused with 400, as the real server does.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

TOKEN = "123456:TEST-token-ABCdef"
BOT = {"id": 777000111, "is_bot": True, "first_name": "信用助手", "username": "credit_helper_bot"}
_ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote", "tg-spoiler"}
_BARE_AMP = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")


class _TagCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS:
            self.bad.append(tag)


def html_problem(text: str) -> str | None:
    """Why Telegram would refuse ``text`` with parse_mode HTML, or None."""
    if _BARE_AMP.search(text):
        return "can't parse entities: unescaped &"
    if re.search(r"<(?![a-zA-Z/])", text) or ">" in re.sub(r"<[^<>]*>", "", text):
        return "can't parse entities: unescaped < or >"
    check = _TagCheck()
    check.feed(text)
    return f"can't parse entities: unsupported tag {check.bad[0]}" if check.bad else None


class BotAPIStandIn:
    """State and routes of the stand-in; ``calls`` records every (method, params, time)."""

    def __init__(self) -> None:
        self.base_url = ""  # set by whoever serves the app
        self.updates: list[dict[str, Any]] = []
        self.calls: list[tuple[str, dict[str, Any], float]] = []
        self.delivered: list[dict[str, Any]] = []  # messages sendMessage created, as it answered them
        self.flood_next_sends = 0  # answer this many sendMessage calls with 429 retry_after
        self.retry_after = 1
        self.bad_gateway_next_sends = 0  # answer this many sendMessage calls with 502
        self.slow_next_sends = 0  # this many sendMessage calls take ``send_delay_s`` before answering
        self.send_delay_s = 6.0
        self.bad_gateway_next_updates = 0  # answer this many getUpdates calls with 502
        self.blocked_chats: set[int] = set()  # users who never started the bot: sendMessage gets 403
        self._changed = threading.Condition()
        self._next_update_id = 1000
        self._next_message_id = 1
        self._lock = threading.Lock()
        self.app = Starlette(routes=[Route("/bot{token}/{method}", self.handle, methods=["GET", "POST"])])

    def push(self, update: dict[str, Any]) -> None:
        """Queue an update for the bot's next getUpdates."""
        with self._lock:
            self._next_update_id += 1
            self.updates.append({"update_id": self._next_update_id, **update})

    def sent(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every call to ``method`` so far."""
        return [params for name, params, _ in list(self.calls) if name == method]

    def wait_for(self, predicate: Any, timeout: float = 15.0) -> None:
        """Block until ``predicate(self)`` is true, woken by each call and answer (raises on timeout)."""
        with self._changed:
            if not self._changed.wait_for(lambda: predicate(self), timeout):
                raise AssertionError(f"timed out; calls were {[c[0] for c in self.calls]}")

    def _notify(self) -> None:
        with self._changed:
            self._changed.notify_all()

    async def handle(self, request: Request) -> JSONResponse:
        """Dispatch one Bot API method."""
        if request.path_params["token"] != TOKEN:
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401)
        method = request.path_params["method"]
        try:
            params = await self._params(request)
        except ClientDisconnect:  # the bot dropped the request (shutting down, or its own timeout): nothing to do
            return JSONResponse({"ok": False, "error_code": 499, "description": "client went away"}, status_code=499)
        self.calls.append((method, params, time.monotonic()))
        self._notify()
        handler = getattr(self, f"m_{method}", None)
        try:
            if handler is None:
                return JSONResponse({"ok": True, "result": True})
            return await handler(params)
        finally:
            self._notify()

    async def _params(self, request: Request) -> dict[str, Any]:
        if request.headers.get("content-type", "").startswith("application/json"):
            return json.loads(await request.body() or b"{}")
        params: dict[str, Any] = {}
        form = parse_qs((await request.body()).decode(), keep_blank_values=True)  # PTB posts urlencoded forms
        for key, values in form.items():
            value = values[-1]
            try:
                params[key] = json.loads(value) if isinstance(value, str) and value[:1] in "{[" else value
            except ValueError:
                params[key] = value
        return params

    async def m_getMe(self, params: dict[str, Any]) -> JSONResponse:
        return JSONResponse({"ok": True, "result": {**BOT, "can_join_groups": True,
                                                    "can_read_all_group_messages": False,
                                                    "supports_inline_queries": False}})

    async def m_getUpdates(self, params: dict[str, Any]) -> JSONResponse:
        if self.bad_gateway_next_updates > 0:
            self.bad_gateway_next_updates -= 1
            return JSONResponse({"ok": False, "error_code": 502, "description": "Bad Gateway"}, status_code=502)
        offset = int(params.get("offset") or 0)
        for _ in range(10):  # a short long-poll
            with self._lock:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                ready = list(self.updates)
            if ready:
                return JSONResponse({"ok": True, "result": ready})
            await asyncio.sleep(0.05)
        return JSONResponse({"ok": True, "result": []})

    async def m_sendMessage(self, params: dict[str, Any]) -> JSONResponse:
        text = str(params.get("text", ""))
        if self.slow_next_sends > 0:
            self.slow_next_sends -= 1
            await asyncio.sleep(self.send_delay_s)  # Telegram being slow: the message is created all the same
        if self.bad_gateway_next_sends > 0:
            self.bad_gateway_next_sends -= 1
            return JSONResponse({"ok": False, "error_code": 502, "description": "Bad Gateway"}, status_code=502)
        if self.flood_next_sends > 0:
            self.flood_next_sends -= 1
            return JSONResponse({"ok": False, "error_code": 429,
                                 "description": f"Too Many Requests: retry after {self.retry_after}",
                                 "parameters": {"retry_after": self.retry_after}}, status_code=429)
        if len(text) > 4096:
            return JSONResponse({"ok": False, "error_code": 400, "description": "Bad Request: message is too long"},
                                status_code=400)
        if params.get("parse_mode") == "HTML" and (problem := html_problem(text)):
            return JSONResponse({"ok": False, "error_code": 400, "description": f"Bad Request: {problem}"},
                                status_code=400)
        with self._lock:
            self._next_message_id += 1
            message_id = self._next_message_id
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked_chats:
            return JSONResponse({"ok": False, "error_code": 403,
                                 "description": "Forbidden: bot can't initiate conversation with a user"},
                                status_code=403)
        message = {"message_id": message_id, "date": int(time.time()), "from": BOT,
                   "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}, "text": text}
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.delivered.append(message)
        return JSONResponse({"ok": True, "result": message})

    async def m_editMessageReplyMarkup(self, params: dict[str, Any]) -> JSONResponse:
        return JSONResponse({"ok": True, "result": True})


def user(user_id: int = 5550001, name: str = "李经理") -> dict[str, Any]:
    """A Telegram user object."""
    return {"id": user_id, "is_bot": False, "first_name": name}


def message_update(content: dict[str, Any], *, chat_id: int = 5550001, chat_type: str = "private",
                   from_user: dict | None = None, message_id: int = 10, reply_to: dict | None = None,
                   kind: str = "message") -> dict[str, Any]:
    """An update carrying a message with ``content`` (text, caption and photo, sticker, voice ...)."""
    message: dict[str, Any] = {
        "message_id": message_id, "date": int(time.time()), "from": from_user or user(),
        "chat": {"id": chat_id, "type": chat_type, **({"title": "销售群"} if chat_type != "private" else {})},
        **content,
    }
    if kind == "edited_message":
        message["edit_date"] = int(time.time())
    if reply_to:
        message["reply_to_message"] = reply_to
    return {kind: message}


def text_update(text: str, *, entities: list | None = None, **kwargs: Any) -> dict[str, Any]:
    """An update carrying a text message."""
    return message_update({"text": text, **({"entities": entities} if entities else {})}, **kwargs)


def command_update(command: str, args: str = "", **kwargs: Any) -> dict[str, Any]:
    """An update with a bot command (entity included, as Telegram sends it)."""
    text = f"/{command}" + (f" {args}" if args else "")
    return text_update(text, entities=[{"type": "bot_command", "offset": 0, "length": len(command) + 1}], **kwargs)


def callback_update(data: str, message: dict[str, Any], *, from_user: dict | None = None) -> dict[str, Any]:
    """An update for an inline-button press on ``message``."""
    return {"callback_query": {"id": "cbq-4242", "from": from_user or user(), "chat_instance": "ci-1",
                               "data": data, "message": message}}
