"""WeChat and WeCom callbacks driven by ``wechatpy``, a client nobody on this project wrote.

wechatpy signs, encrypts and decrypts as WeChat's servers do; the callbacks run on a real loopback
server. Plain and safe mode, URL verification, a message, a forged signature, a replay.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from defusedxml import ElementTree
from fastapi import FastAPI
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WeComCrypto
from wechatpy.utils import WeChatSigner

from bot.channels.registry import web_routers
from bot.config import Settings
from bot.store import ConversationStore
from tests.channels.conftest import ScriptedAssistant, make_chat, serve
from tests.channels.wechat_helpers import AES_KEY, APP_ID, CORP_ID, OPENID, TOKEN, text_xml

ANSWER = "买方破产属于保单承保的商业风险。"
NONCE = "wechatpy-nonce-1"


@contextmanager
def callback_server(tmp_path: Path) -> Iterator[tuple[str, ScriptedAssistant]]:
    assistant = ScriptedAssistant(ANSWER, sources=[])
    settings = Settings(_env_file=None, data_dir=tmp_path, wechat_token=TOKEN, wechat_aes_key=AES_KEY,
                        wechat_app_id=APP_ID, wecom_token=TOKEN, wecom_aes_key=AES_KEY, wecom_corp_id=CORP_ID)
    app = FastAPI()
    for router in web_routers(settings, make_chat(assistant, ConversationStore(f"sqlite:///{tmp_path / 'conv.sqlite3'}"))):
        app.include_router(router)  # the Official Account at /wechat and WeCom at /wecom
    with serve(app) as base:
        yield base, assistant


def signed(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def plain_query(timestamp: int | None = None, **extra: str) -> dict[str, str]:
    ts = str(timestamp or int(time.time()))
    return {"signature": signed(TOKEN, ts, NONCE), "timestamp": ts, "nonce": NONCE, "openid": OPENID, **extra}


def envelope(xml: str) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ElementTree.fromstring(xml)}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, ScriptedAssistant]]:
    with callback_server(tmp_path) as running:
        yield running


def test_plain_mode_verification_and_message(server: tuple[str, Any]) -> None:
    base, assistant = server
    assert httpx.get(f"{base}/wechat", params=plain_query(echostr="echo-123")).text == "echo-123"
    response = httpx.post(f"{base}/wechat", params=plain_query(), content=text_xml("买方破产了能赔吗？", "7100001"))
    reply = parse_message(response.text)
    assert reply.type == "text" and reply.content == ANSWER and reply.target == OPENID
    assert assistant.messages == ["买方破产了能赔吗？"]


def test_safe_mode_message_encrypted_by_wechatpy_and_reply_decrypted_by_it(server: tuple[str, Any]) -> None:
    base, _ = server
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    ts = str(int(time.time()))
    outer = envelope(crypto.encrypt_message(text_xml("买方破产了能赔吗？", "7100002"), NONCE, ts))
    query = {"signature": signed(TOKEN, ts, NONCE), "timestamp": ts, "nonce": NONCE, "encrypt_type": "aes",
             "msg_signature": outer["MsgSignature"], "openid": OPENID}
    response = httpx.post(f"{base}/wechat", params=query,
                          content=f"<xml><ToUserName>{APP_ID}</ToUserName><Encrypt>{outer['Encrypt']}</Encrypt></xml>")
    sealed = envelope(response.text)
    plain = crypto.decrypt_message(response.text, sealed["MsgSignature"], sealed["TimeStamp"], sealed["Nonce"])
    assert parse_message(plain).content == ANSWER


def test_forged_signatures_are_refused(server: tuple[str, Any]) -> None:
    base, assistant = server
    forged = {**plain_query(echostr="x"), "signature": signed("not-the-token", str(int(time.time())), NONCE)}
    assert httpx.get(f"{base}/wechat", params=forged).status_code == 403
    forged_post = {**plain_query(), "signature": "0" * 40}
    assert httpx.post(f"{base}/wechat", params=forged_post, content=text_xml("你好", "7100003")).status_code == 403
    crypto = WeChatCrypto("another-token", AES_KEY, APP_ID)  # signed with a token that is not ours
    ts = str(int(time.time()))
    outer = envelope(crypto.encrypt_message(text_xml("你好", "7100004"), NONCE, ts))
    query = {"timestamp": ts, "nonce": NONCE, "encrypt_type": "aes", "msg_signature": outer["MsgSignature"]}
    response = httpx.post(f"{base}/wechat", params=query, content=f"<xml><Encrypt>{outer['Encrypt']}</Encrypt></xml>")
    assert response.status_code == 403 and assistant.messages == []


def test_replays_are_refused_or_answered_once(server: tuple[str, Any]) -> None:
    base, assistant = server
    stale = plain_query(timestamp=int(time.time()) - 3600)
    assert httpx.post(f"{base}/wechat", params=stale, content=text_xml("你好", "7100005")).status_code == 403
    message = text_xml("买方破产了能赔吗？", "7100006")
    first = httpx.post(f"{base}/wechat", params=plain_query(), content=message)
    again = httpx.post(f"{base}/wechat", params=plain_query(), content=message)  # the same MsgId replayed
    assert parse_message(first.text).content == parse_message(again.text).content == ANSWER
    assert assistant.messages == ["买方破产了能赔吗？"]


def wecom_query(crypto: WeComCrypto, plain: str, timestamp: int | None = None) -> tuple[dict[str, str], str]:
    ts = str(timestamp or int(time.time()))
    outer = envelope(crypto.encrypt_message(plain, NONCE, ts))
    return {"msg_signature": outer["MsgSignature"], "timestamp": ts, "nonce": NONCE}, outer["Encrypt"]


def test_wecom_verification_message_forgery_and_replay(server: tuple[str, Any]) -> None:
    base, assistant = server
    crypto = WeComCrypto(TOKEN, AES_KEY, CORP_ID)
    query, echo = wecom_query(crypto, "echo-wecom-42")
    assert httpx.get(f"{base}/wecom", params={**query, "echostr": echo}).text == "echo-wecom-42"
    xml = text_xml("买方破产了能赔吗？", "7200001", user="zhangsan")
    query, encrypted = wecom_query(crypto, xml)
    response = httpx.post(f"{base}/wecom", params=query, content=f"<xml><Encrypt>{encrypted}</Encrypt></xml>")
    sealed = envelope(response.text)
    plain = crypto.decrypt_message(response.text, sealed["MsgSignature"], sealed["TimeStamp"], sealed["Nonce"])
    assert parse_message(plain).content == ANSWER
    forged = {**query, "msg_signature": "0" * 40}
    assert httpx.post(f"{base}/wecom", params=forged,
                      content=f"<xml><Encrypt>{encrypted}</Encrypt></xml>").status_code == 403
    stale, old = wecom_query(crypto, xml, timestamp=int(time.time()) - 3600)
    assert httpx.post(f"{base}/wecom", params=stale, content=f"<xml><Encrypt>{old}</Encrypt></xml>").status_code == 403
    assert assistant.messages == ["买方破产了能赔吗？"]
