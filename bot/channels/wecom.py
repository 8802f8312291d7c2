"""WeCom (企业微信) callback at ``/wecom``: always encrypted, CorpID as the receive id.

Shares the crypto (:mod:`bot.channels.wechat_crypto`) and the 5-second handling
(:class:`bot.channels.wechat_reply.Responder`) with the Official Account. This deployment has no
WeCom application secret, so an answer that misses the window is delivered on the user's next message.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from bot.channels.wechat_crypto import (
    CryptoError,
    MessageCrypto,
    check_timestamp,
    parse_xml,
    read_body,
    rejecting,
    reply_response,
)
from bot.channels.wechat_reply import Responder, WeChatRejected
from bot.chat import ChatService
from bot.config import Settings

logger = logging.getLogger(__name__)


def build_router(settings: Settings, chat: ChatService) -> APIRouter:
    """``GET /wecom`` (URL verification) and ``POST /wecom`` (messages); 404 while not configured."""
    router = APIRouter()
    token = settings.wecom_token.get_secret_value() if settings.wecom_token else None
    aes_key = settings.wecom_aes_key.get_secret_value() if settings.wecom_aes_key else None
    crypto = MessageCrypto(token, aes_key, settings.wecom_corp_id or "") if token and aes_key else None
    responder = Responder(settings, chat, channel="wecom", api=None)
    router.wecom_responder = responder  # type: ignore[attr-defined]

    def _decrypt(request: Request, encrypted: str) -> str:
        if crypto is None:
            raise WeChatRejected(404, "wecom channel not configured")
        q = request.query_params
        timestamp, nonce = q.get("timestamp", ""), q.get("nonce", "")
        check_timestamp(timestamp, settings.wechat_replay_window_s)
        if not crypto.verify(q.get("msg_signature", ""), timestamp, nonce, encrypted):
            raise WeChatRejected(403, "bad msg_signature")
        try:
            return crypto.decrypt(encrypted)
        except CryptoError as e:
            raise WeChatRejected(400, "cannot decrypt") from e

    @rejecting
    async def wecom_verify(request: Request) -> Response:
        """URL verification: decrypt ``echostr`` and return it when the signature matches."""
        return PlainTextResponse(_decrypt(request, request.query_params.get("echostr", "")))

    @rejecting
    async def wecom_message(request: Request) -> Response:
        """A member's message or event: verify, decrypt, answer once per MsgId, reply encrypted."""
        if crypto is None:
            raise WeChatRejected(404, "wecom channel not configured")
        outer = parse_xml(await read_body(request))
        fields = parse_xml(_decrypt(request, outer.get("Encrypt", "")))
        content = await responder.respond(fields)
        return reply_response(fields, content, crypto)

    router.add_api_route("/wecom", wecom_verify, methods=["GET"], include_in_schema=False)
    router.add_api_route("/wecom", wecom_message, methods=["POST"], include_in_schema=False)
    return router
