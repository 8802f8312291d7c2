"""Building signed (and encrypted) WeChat callbacks the way WeChat's servers do, and a stand-in API."""

from __future__ import annotations

import base64
import json
import threading
import time
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.channels.wechat_crypto import MessageCrypto, parse_xml, sha1_signature

TOKEN = "wx-callback-token-9f3a"
AES_KEY = base64.b64encode(bytes(range(1, 33))).decode().rstrip("=")  # 43 characters
APP_ID = "wx5823bf96d3bd56c7"
CORP_ID = "ww2e3f4a5b6c7d8e9f"
OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"


def text_xml(content: str, msg_id: str, *, user: str = OPENID, msg_type: str = "text", extra: str = "") -> str:
    """A user message as WeChat posts it (before encryption)."""
    body = f"<Content><![CDATA[{content}]]></Content>" if msg_type == "text" else ""
    return (
        f"<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[{msg_type}]]></MsgType>{body}{extra}"
        f"<MsgId>{msg_id}</MsgId></xml>"
    )


def plain_params(*, timestamp: int | None = None, token: str = TOKEN) -> dict[str, str]:
    """Query parameters of a plain-mode callback."""
    ts, nonce = str(timestamp or int(time.time())), "1320562132"
    return {"signature": sha1_signature(token, ts, nonce), "timestamp": ts, "nonce": nonce, "openid": OPENID}


def encrypted_request(xml: str, receive_id: str = APP_ID, *, token: str = TOKEN) -> tuple[dict[str, str], str]:
    """(query, body) of a safe-mode callback carrying ``xml``."""
    crypto = MessageCrypto(token, AES_KEY, receive_id)
    ts, nonce = str(int(time.time())), "47744683"
    encrypted = crypto.encrypt(xml)
    params = {
        "signature": sha1_signature(token, ts, nonce),
        "timestamp": ts,
        "nonce": nonce,
        "encrypt_type": "aes",
        "msg_signature": crypto.sign(ts, nonce, encrypted),
    }
    return params, f"<xml><ToUserName><![CDATA[{receive_id}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"


def decrypted_reply(content: bytes, receive_id: str = APP_ID, *, token: str = TOKEN) -> dict[str, str]:
    """The message inside a safe-mode passive reply, once its signature is checked as WeChat checks it."""
    envelope = parse_xml(content)
    crypto = MessageCrypto(token, AES_KEY, receive_id)
    assert crypto.verify(envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"], envelope["Encrypt"])
    return parse_xml(crypto.decrypt(envelope["Encrypt"]))


class WeChatAPIStandIn:
    """``/cgi-bin/stable_token`` and ``/cgi-bin/message/custom/send``, recording what they receive.

    Like WeChat's normal mode, every token request within the validity gets the same token.
    """

    def __init__(self, send_errcode: int = 0) -> None:
        self.send_errcode = send_errcode
        self.token_requests: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []
        self.sent_event = threading.Event()
        self.tokens_issued = 0
        self.app = Starlette(
            routes=[
                Route("/cgi-bin/stable_token", self.stable_token, methods=["POST"]),
                Route("/cgi-bin/message/custom/send", self.custom_send, methods=["POST"]),
            ]
        )

    async def stable_token(self, request: Request) -> JSONResponse:
        """Hand out the current access token (a new one only on ``force_refresh``) for the right app."""
        body = json.loads(await request.body())
        self.token_requests.append(body)
        if body.get("appid") != APP_ID or body.get("secret") != "app-secret-1":
            return JSONResponse({"errcode": 40125, "errmsg": "invalid appsecret"})
        if body.get("force_refresh") or not self.tokens_issued:
            self.tokens_issued += 1
        return JSONResponse({"access_token": f"ACCESS_{self.tokens_issued}", "expires_in": 7200})

    async def custom_send(self, request: Request) -> JSONResponse:
        """Accept a customer-service message (or refuse it with ``send_errcode``)."""
        if not request.query_params.get("access_token", "").startswith("ACCESS_"):
            return JSONResponse({"errcode": 40001, "errmsg": "invalid credential"})
        if self.send_errcode:
            self.sent_event.set()
            return JSONResponse({"errcode": self.send_errcode, "errmsg": "api unauthorized"})
        self.sent.append(json.loads(await request.body()))
        self.sent_event.set()
        return JSONResponse({"errcode": 0, "errmsg": "ok"})
