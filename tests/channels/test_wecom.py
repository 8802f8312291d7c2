"""The WeCom callback (always encrypted, CorpID as receive id) on a loopback server, and the shared crypto."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from bot.channels.registry import web_routers
from bot.channels.wecom import build_router
from bot.channels.wechat_crypto import CryptoError, MessageCrypto, sha1_signature
from bot.config import Settings
from bot.store import ConversationStore
from tests.channels.conftest import ScriptedAssistant, make_chat, serve
from tests.channels.wechat_helpers import AES_KEY, APP_ID, CORP_ID, decrypted_reply, encrypted_request

WECOM_TOKEN = "wecom-token-51ab"
MEMBER = "zhangsan"


def wecom_app(tmp_path: Path, assistant: ScriptedAssistant, **overrides: object) -> FastAPI:
    """A FastAPI app with the channel router, WeCom configured."""
    settings = Settings(
        data_dir=tmp_path, wecom_token=WECOM_TOKEN, wecom_aes_key=AES_KEY, wecom_corp_id=CORP_ID, **overrides
    )
    app = FastAPI()
    app.include_router(build_router(settings, make_chat(assistant, ConversationStore(f"sqlite:///{tmp_path / 'c.db'}"))))
    return app


def member_message(content: str, msg_id: str) -> str:
    """A WeCom member's text message (before encryption)."""
    return (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[{MEMBER}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId><AgentID>1000002</AgentID></xml>"
    )


def test_crypto_round_trip_and_known_layout() -> None:
    crypto = MessageCrypto("t", AES_KEY, APP_ID)
    encrypted = crypto.encrypt("<xml>应收账款</xml>", random16=b"0123456789abcdef")
    assert crypto.decrypt(encrypted) == "<xml>应收账款</xml>"
    # decrypting by hand: random(16) + length(4, big-endian) + message + receive id, padded to 32 bytes
    from base64 import b64decode

    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = b64decode(AES_KEY + "=")
    raw = b64decode(encrypted)
    assert len(raw) % 32 == 0
    plain = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor().update(raw)
    body = "<xml>应收账款</xml>".encode()
    assert plain[:16] == b"0123456789abcdef"
    assert int.from_bytes(plain[16:20], "big") == len(body)
    assert plain[20 : 20 + len(body) + len(APP_ID)] == body + APP_ID.encode()
    assert sha1_signature("b", "a", "c") == sha1_signature("a", "b", "c")


def test_crypto_refuses_another_receive_id_and_garbage() -> None:
    encrypted = MessageCrypto("t", AES_KEY, APP_ID).encrypt("<xml/>")
    with pytest.raises(CryptoError):
        MessageCrypto("t", AES_KEY, CORP_ID).decrypt(encrypted)
    with pytest.raises(CryptoError):
        MessageCrypto("t", AES_KEY, APP_ID).decrypt("bm90IGNpcGhlcnRleHQ=")
    with pytest.raises(CryptoError):
        MessageCrypto("t", "short", APP_ID)


def test_wecom_url_verification_decrypts_echostr(tmp_path: Path) -> None:
    crypto = MessageCrypto(WECOM_TOKEN, AES_KEY, CORP_ID)
    echostr = crypto.encrypt("5927782489442352469")
    ts, nonce = str(int(time.time())), "1372623149"
    with serve(wecom_app(tmp_path, ScriptedAssistant())) as base:
        good = httpx.get(f"{base}/wecom", params={"msg_signature": crypto.sign(ts, nonce, echostr), "timestamp": ts,
                                                  "nonce": nonce, "echostr": echostr})
        forged = httpx.get(f"{base}/wecom", params={"msg_signature": "1" * 40, "timestamp": ts, "nonce": nonce,
                                                    "echostr": echostr})
    assert good.status_code == 200 and good.text == "5927782489442352469"
    assert forged.status_code == 403


def test_wecom_message_gets_encrypted_passive_reply(tmp_path: Path) -> None:
    assistant = ScriptedAssistant("长期拖欠一般指买方超过约定账期一定天数仍未付款。")
    params, body = encrypted_request(member_message("什么是长期拖欠？", "7310001"), CORP_ID, token=WECOM_TOKEN)
    with serve(wecom_app(tmp_path, assistant)) as base:
        response = httpx.post(f"{base}/wecom", params=params, content=body)
        not_ours = httpx.post(f"{base}/wecom", params=encrypted_request(member_message("什么是长期拖欠？", "7310002"),
                                                                         APP_ID, token=WECOM_TOKEN)[0],
                              content=encrypted_request(member_message("x", "7310002"), APP_ID, token=WECOM_TOKEN)[1])
    assert response.status_code == 200
    inner = decrypted_reply(response.content, CORP_ID, token=WECOM_TOKEN)
    assert inner["ToUserName"] == MEMBER
    assert inner["Content"].startswith("长期拖欠一般指买方超过约定账期一定天数仍未付款。")
    assert not_ours.status_code in (400, 403)
    assert assistant.messages == ["什么是长期拖欠？"]


def test_wecom_slow_answer_is_kept_for_the_next_message(tmp_path: Path) -> None:
    assistant = ScriptedAssistant("信用额度需要根据买方资信定期复核。", delay_s=1.0)
    with serve(wecom_app(tmp_path, assistant, wechat_reply_budget_s=0.3)) as base:
        params, body = encrypted_request(member_message("额度多久复核一次？", "7310003"), CORP_ID, token=WECOM_TOKEN)
        first = httpx.post(f"{base}/wecom", params=params, content=body)
        time.sleep(1.2)
        params, body = encrypted_request(member_message("更多", "7310004"), CORP_ID, token=WECOM_TOKEN)
        second = httpx.post(f"{base}/wecom", params=params, content=body)
    assert first.text == "success"
    inner = decrypted_reply(second.content, CORP_ID, token=WECOM_TOKEN)
    assert inner["Content"].startswith("您上一个问题的回答：\n信用额度需要根据买方资信定期复核。")
    assert assistant.messages == ["额度多久复核一次？"]


def test_unconfigured_channels_of_the_registry_answer_404(tmp_path: Path) -> None:
    app = FastAPI()
    for router in web_routers(Settings(data_dir=tmp_path), make_chat(ScriptedAssistant(), ConversationStore("sqlite://"))):
        app.include_router(router)
    with serve(app) as base:
        assert httpx.get(f"{base}/wechat").status_code == 404
        assert httpx.post(f"{base}/wecom", content="<xml/>").status_code == 404
