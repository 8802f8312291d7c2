"""A late WeChat/WeCom answer goes out ahead of the next reply, and the next message is answered too.

Issue 10, item 11: the held answer used to take the place of the user's next message, which was dropped.
"""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import httpx
from defusedxml import ElementTree
from fastapi import FastAPI
from wechatpy import parse_message
from wechatpy.enterprise.crypto import WeChatCrypto as WeComCrypto

from bot.channels.registry import web_routers
from bot.channels.wechat_reply import HELD
from bot.config import Settings
from bot.messages import Reply, Session, Turn
from bot.store import ConversationStore
from tests.channels.conftest import ScriptedAssistant, make_chat, serve
from tests.channels.wechat_helpers import AES_KEY, APP_ID, CORP_ID, TOKEN, plain_params, text_xml

SLOW_QUESTION, SLOW_ANSWER = "账龄怎么算？", "账龄是应收账款自发票日起经过的天数。"
NEXT_QUESTION, NEXT_ANSWER = "理赔要多久？", "材料齐全后一般三十天内赔付。"


class SlowOnce(ScriptedAssistant):
    """Slow for the first question only; answers each question with its own text."""

    def answer(self, message: str, session: Session) -> Reply:
        """The answer of ``message``; the slow question takes longer than the 5-second budget of the test."""
        with self._lock:
            self.messages.append(message)
        if message == SLOW_QUESTION:
            time.sleep(1.0)
        reply = Reply(SLOW_ANSWER if message == SLOW_QUESTION else NEXT_ANSWER)
        session.turns.append(Turn(message, reply.answer, reply.status, message))
        return reply


def _server(tmp_path: Path, assistant: SlowOnce) -> tuple[FastAPI, object]:
    settings = Settings(_env_file=None, data_dir=tmp_path, wechat_token=TOKEN, wechat_aes_key=AES_KEY,
                        wechat_app_id=APP_ID, wecom_token=TOKEN, wecom_aes_key=AES_KEY, wecom_corp_id=CORP_ID,
                        wechat_reply_budget_s=0.3)
    wechat, wecom = web_routers(settings, make_chat(assistant, ConversationStore(f"sqlite:///{tmp_path / 'c.sqlite3'}")))
    app = FastAPI()
    app.include_router(wechat)
    app.include_router(wecom)
    return app, SimpleNamespace(wechat_responder=wechat.wechat_responder,  # type: ignore[attr-defined]
                                 wecom_responder=wecom.wecom_responder)  # type: ignore[attr-defined]


def _wait_until_held(responder: object, channel: str, timeout_s: float = 10) -> None:
    """Until the late answer is stored for the user's next message (the customer-service API is absent)."""
    state = responder.state  # type: ignore[attr-defined]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with state.engine.connect() as conn:
            if conn.exec_driver_sql("SELECT count(*) FROM wechat_user_pages WHERE kind = ?", (HELD,)).scalar():
                return
        time.sleep(0.05)
    raise AssertionError(f"no late {channel} answer was held")


def test_wechat_next_message_gets_the_late_answer_first_and_its_own_answer(tmp_path: Path) -> None:
    assistant = SlowOnce()
    app, router = _server(tmp_path, assistant)
    with serve(app) as base:
        first = httpx.post(f"{base}/wechat", params=plain_params(), content=text_xml(SLOW_QUESTION, "7300001"))
        _wait_until_held(router.wechat_responder, "wechat")  # type: ignore[attr-defined]
        nxt = httpx.post(f"{base}/wechat", params=plain_params(), content=text_xml(NEXT_QUESTION, "7300002"))
    assert first.text == "success"
    content = parse_message(nxt.text).content
    assert content.index(SLOW_ANSWER) < content.index(NEXT_ANSWER)
    assert "再发一次" not in content
    assert assistant.messages == [SLOW_QUESTION, NEXT_QUESTION]


def test_wecom_next_message_gets_the_late_answer_first_and_its_own_answer(tmp_path: Path) -> None:
    assistant = SlowOnce()
    app, router = _server(tmp_path, assistant)
    crypto = WeComCrypto(TOKEN, AES_KEY, CORP_ID)

    def post(base: str, question: str, msg_id: str) -> httpx.Response:
        ts, nonce = str(int(time.time())), "late-nonce"
        sealed = _fields(crypto.encrypt_message(text_xml(question, msg_id, user="zhangsan"), nonce, ts))
        return httpx.post(f"{base}/wecom", params={"msg_signature": sealed["MsgSignature"], "timestamp": ts,
                                                    "nonce": nonce},
                          content=f"<xml><Encrypt>{sealed['Encrypt']}</Encrypt></xml>")

    with serve(app) as base:
        assert post(base, SLOW_QUESTION, "7400001").text == "success"
        _wait_until_held(router.wecom_responder, "wecom")  # type: ignore[attr-defined]
        nxt = post(base, NEXT_QUESTION, "7400002")
    sealed = _fields(nxt.text)
    plain = crypto.decrypt_message(nxt.text, sealed["MsgSignature"], sealed["TimeStamp"], sealed["Nonce"])
    content = parse_message(plain).content
    assert content.index(SLOW_ANSWER) < content.index(NEXT_ANSWER)
    assert assistant.messages == [SLOW_QUESTION, NEXT_QUESTION]


def _fields(xml: str) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ElementTree.fromstring(xml)}
