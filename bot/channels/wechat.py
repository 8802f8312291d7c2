"""WeChat Official Account (公众号) callback at ``/wechat``, and the pieces WeCom (``/wecom``) shares.

Quirks that stay in this module:

* Every callback is signed (SHA1 of the sorted token, timestamp, nonce[, Encrypt]); safe mode wraps
  the XML in AES (:mod:`bot.channels.wechat_crypto`). Forged, replayed, malformed or oversized
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
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from defusedxml import ElementTree as SafeET
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from bot.channels.wechat_crypto import CryptoError, MessageCrypto, signature_matches
from bot.channels.wechat_reply import (
    CustomerServiceAPI,
    Responder,
    WeChatRejected,
    text_reply_xml,
)
from bot.chat import ChatService
from bot.config import Settings

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024

__all__ = [
    "WeChatRejected",
    "build_router",
    "check_timestamp",
    "encrypted_envelope",
    "parse_xml",
    "read_body",
    "reply_response",
]


def parse_xml(body: bytes | str) -> dict[str, str]:
    """The child elements of a WeChat ``<xml>`` document as a flat dict.

    Raises:
        WeChatRejected: (400) for malformed XML, DTDs, entities or a non-``xml`` root.
    """
    try:
        root = SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except Exception as e:  # ParseError and every defusedxml refusal
        raise WeChatRejected(400, "malformed XML") from e
    if root.tag != "xml":
        raise WeChatRejected(400, "root element is not <xml>")
    return {child.tag: (child.text or "").strip() for child in root}


def check_timestamp(timestamp: str, window_s: int) -> None:
    """Reject a missing, malformed or replayed (outside the window) timestamp with 403."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError) as e:
        raise WeChatRejected(403, "bad timestamp") from e
    if abs(time.time() - sent) > window_s:
        raise WeChatRejected(403, "timestamp outside the replay window")


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, refusing (413) anything above ``limit`` bytes without reading it all."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise WeChatRejected(413, "body too large")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise WeChatRejected(413, "body too large")
    return bytes(body)


def encrypted_envelope(crypto: MessageCrypto, xml: str, nonce: str | None = None) -> str:
    """A passive reply wrapped for safe mode: ``Encrypt``, ``MsgSignature``, ``TimeStamp``, ``Nonce``."""
    timestamp = str(int(time.time()))
    nonce = nonce or secrets.token_hex(8)
    encrypted = crypto.encrypt(xml)
    return (
        f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt>"
        f"<MsgSignature><![CDATA[{crypto.sign(timestamp, nonce, encrypted)}]]></MsgSignature>"
        f"<TimeStamp>{timestamp}</TimeStamp><Nonce><![CDATA[{nonce}]]></Nonce></xml>"
    )


def reply_response(fields: dict[str, str], content: str | None, crypto: MessageCrypto | None) -> Response:
    """The HTTP response for a message: ``success`` when there is nothing to say now, else passive XML."""
    if content is None:
        return PlainTextResponse("success")
    xml = text_reply_xml(fields.get("FromUserName", ""), fields.get("ToUserName", ""), content)
    if crypto is not None:
        xml = encrypted_envelope(crypto, xml)
    return Response(xml, media_type="application/xml")


def _rejecting(handler: Callable[..., Awaitable[Response]]) -> Callable[..., Awaitable[Response]]:
    """Turn :class:`WeChatRejected` into its 4xx response (no answer is computed)."""

    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except WeChatRejected as e:
            logger.warning("rejected %s %s: %s", request.method, request.url.path, e.reason)
            return PlainTextResponse(e.reason, status_code=e.status)

    wrapped.__name__ = handler.__name__
    wrapped.__doc__ = handler.__doc__
    return wrapped


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def build_router(settings: Settings, chat: ChatService) -> APIRouter:
    """The ``/wechat`` (Official Account) and ``/wecom`` (WeCom) callback routes.

    A channel whose token is not configured answers 404.
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

    @_rejecting
    async def wechat_verify(request: Request) -> Response:
        """URL verification: echo ``echostr`` when the signature matches, else 403."""
        if not token:
            raise WeChatRejected(404, "wechat channel not configured")
        q = request.query_params
        check_timestamp(q.get("timestamp", ""), settings.wechat_replay_window_s)
        if not signature_matches(q.get("signature", ""), token, q.get("timestamp", ""), q.get("nonce", "")):
            raise WeChatRejected(403, "bad signature")
        return PlainTextResponse(q.get("echostr", ""))

    @_rejecting
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

    from bot.channels.wecom import add_wecom_routes

    add_wecom_routes(router, settings, chat)
    return router
