"""WeChat Official Account (公众号) callback at ``/wechat``.

Quirks that stay in this module:

* Every callback is signed (SHA1 of the sorted token, timestamp, nonce[, Encrypt]); safe mode wraps
  the XML in AES; both live in :mod:`bot.channels.wechat_crypto`, shared with WeCom. Forged, replayed, malformed or oversized
  requests get a 4xx before any answer is computed. XML is parsed with ``defusedxml`` (no DTDs, no
  entities).
* The 5-second rule: WeChat waits 5 s and retries the same ``MsgId`` up to three times. The answer
  is computed once per ``MsgId`` by whichever worker claims it first in the shared conversation store
  (:class:`Responder`, :mod:`bot.channels.wechat_state`); ready within the budget it goes back as a
  passive reply, otherwise ``success`` is returned and the answer follows as a customer-service
  message (:class:`CustomerServiceAPI`), or — accounts without that API — on the user's next message.
* Passive replies are plain text under ~2048 bytes; the rest is offered as "更多".
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from bot.channels.wechat_crypto import (
    CryptoError,
    MessageCrypto,
    check_timestamp,
    encrypted_envelope,
    parse_xml,
    read_body,
    rejecting,
    reply_response,
    signature_matches,
)
from bot.channels.wechat_reply import CustomerServiceAPI, Responder, WeChatRejected
from bot.chat import ChatService
from bot.config import Settings

logger = logging.getLogger(__name__)

__all__ = [
    "WeChatRejected",
    "build_router",
    "check_timestamp",
    "encrypted_envelope",
    "parse_xml",
    "read_body",
    "reply_response",
]


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def build_router(settings: Settings, chat: ChatService) -> APIRouter:
    """The ``/wechat`` (Official Account) callback routes; 404 while no token is configured.
    """
    router = APIRouter()
    token = _secret(settings.wechat_token)
    aes_key = _secret(settings.wechat_aes_key)
    crypto = MessageCrypto(token, aes_key, settings.wechat_app_id or "") if token and aes_key else None
    app_secret = _secret(settings.wechat_app_secret)
    api = (
        CustomerServiceAPI(settings.wechat_api_url, settings.wechat_app_id, app_secret)
        if settings.wechat_app_id and app_secret
        else None
    )
    responder = Responder(settings, chat, channel="wechat", api=api)
    router.wechat_responder = responder  # type: ignore[attr-defined]  # for tests and diagnostics

    @rejecting
    async def wechat_verify(request: Request) -> Response:
        """URL verification: echo ``echostr`` when the signature matches, else 403."""
        if not token:
            raise WeChatRejected(404, "wechat channel not configured")
        q = request.query_params
        check_timestamp(q.get("timestamp", ""), settings.wechat_replay_window_s)
        if not signature_matches(q.get("signature", ""), token, q.get("timestamp", ""), q.get("nonce", "")):
            raise WeChatRejected(403, "bad signature")
        return PlainTextResponse(q.get("echostr", ""))

    @rejecting
    async def wechat_message(request: Request) -> Response:
        """A user message or event: verify, decrypt (safe mode), answer once per MsgId."""
        if not token:
            raise WeChatRejected(404, "wechat channel not configured")
        q = request.query_params
        timestamp, nonce = q.get("timestamp", ""), q.get("nonce", "")
        check_timestamp(timestamp, settings.wechat_replay_window_s)
        body = await read_body(request)
        outer = parse_xml(body)
        encrypted = q.get("encrypt_type") == "aes" or "Encrypt" in outer
        if encrypted:
            if crypto is None:
                raise WeChatRejected(400, "encrypted message but no EncodingAESKey configured")
            if not crypto.verify(q.get("msg_signature", ""), timestamp, nonce, outer.get("Encrypt", "")):
                raise WeChatRejected(403, "bad msg_signature")
            try:
                fields = parse_xml(crypto.decrypt(outer.get("Encrypt", "")))
            except CryptoError as e:
                raise WeChatRejected(400, "cannot decrypt message") from e
        else:
            if not signature_matches(q.get("signature", ""), token, timestamp, nonce):
                raise WeChatRejected(403, "bad signature")
            fields = outer
        content = await responder.respond(fields)
        return reply_response(fields, content, crypto if encrypted else None)

    router.add_api_route("/wechat", wechat_verify, methods=["GET"], include_in_schema=False)
    router.add_api_route("/wechat", wechat_message, methods=["POST"], include_in_schema=False)
    return router
