"""An advisor's reply, sent through the chat server's API, reaches the user on their channel: Telegram
(sendMessage on the Bot API stand-in), WeChat (customer-service message, or the next passive reply where the
account lacks the API) and WeCom (the application message API)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from defusedxml import ElementTree
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.channels.telegram_handoff import session_id_for
from bot.chat import ChatService
from bot.channels.handoff_delivery import ADVISOR_PREFIX
from bot.handoff.desk import HandoffDesk
from bot.pipeline.handoff import ACK
from bot.store import ConversationStore
from bot.web.server import create_app
from tests import support
from tests.channels.conftest import make_chat
from tests.channels.telegram_harness import IGNORE_PTB_DEPRECATION, running_bot, standin  # noqa: F401 - fixture
from tests.channels.telegram_standin import TOKEN as TELEGRAM_TOKEN
from tests.channels.telegram_standin import BotAPIStandIn, text_update
from tests.channels.test_wecom import MEMBER, WECOM_TOKEN, member_message
from tests.channels.wechat_helpers import (
    AES_KEY,
    APP_ID,
    CORP_ID,
    OPENID,
    TOKEN,
    WeChatAPIStandIn,
    encrypted_request,
    plain_params,
    text_xml,
)
from tests.handoff_support import ADMIN_TOKEN, HandingOffAssistant
from tests.web.conftest import web_settings

pytestmark = IGNORE_PTB_DEPRECATION
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
ADVICE = "您好，我是信用顾问王敏：请把保单号和买方名称发给我，我来帮您查报损期限。"


@contextmanager
def chat_server(tmp_path: Path, store: ConversationStore, **overrides: Any) -> Iterator[str]:
    """The chat server (advisor API, WeChat and WeCom callbacks) over ``store``, with the real hand-off step."""
    port = support.free_port()
    settings = web_settings(tmp_path, port, admin_token=ADMIN_TOKEN, store_url=str(store.engine.url), **overrides)
    chat = ChatService(HandingOffAssistant(HandoffDesk(store.engine)), store)
    with support.serve_in_thread(create_app(settings, chat), port) as base:
        support.wait_healthy(base)
        yield base


def _advise(base: str, session_id: str, text: str = ADVICE) -> None:
    response = httpx.post(f"{base}/admin/api/handoffs/{session_id}/reply", json={"text": text}, headers=ADMIN)
    assert response.status_code == 202, response.text


def test_an_advisor_reply_reaches_the_telegram_user(standin: BotAPIStandIn, store: ConversationStore,
                                                    tmp_path: Path) -> None:
    api = standin
    desk = HandoffDesk(store.engine)
    with running_bot(api, make_chat(HandingOffAssistant(desk), store), tmp_path), chat_server(
        tmp_path, store, telegram_token=TELEGRAM_TOKEN, telegram_api_url=api.base_url
    ) as base:
        api.push(text_update("转人工"))
        api.wait_for(lambda a: len(a.delivered) >= 1)
        api.push(text_update("我的买家拖欠了九十天", message_id=11))
        api.wait_for(lambda a: len(a.delivered) >= 2)
        waiting = httpx.get(f"{base}/admin/api/handoffs", headers=ADMIN).json()
        assert [(w["channel"], w["last_message"]) for w in waiting] == [("telegram", "我的买家拖欠了九十天")]
        _advise(base, session_id_for(5550001))
        api.wait_for(lambda a: len(a.delivered) >= 3)
    assert api.delivered[0]["text"] == ACK
    assert api.delivered[2]["chat"]["id"] == 5550001 and api.delivered[2]["text"] == ADVISOR_PREFIX + ADVICE


def test_an_advisor_reply_reaches_the_wechat_user_as_a_customer_service_message(tmp_path: Path) -> None:
    store = ConversationStore(f"sqlite:///{tmp_path / 'conversations.sqlite3'}")
    api = WeChatAPIStandIn()
    with support.serve_in_thread(api.app) as api_url, chat_server(
        tmp_path, store, wechat_token=TOKEN, wechat_aes_key=AES_KEY, wechat_app_id=APP_ID,
        wechat_app_secret="app-secret-1", wechat_api_url=api_url,
    ) as base:
        asked = httpx.post(f"{base}/wechat", params=plain_params(), content=text_xml("人工客服", "8100001"))
        assert ElementTree.fromstring(asked.text).findtext("Content") == ACK
        (waiting,) = httpx.get(f"{base}/admin/api/handoffs", headers=ADMIN).json()
        _advise(base, waiting["session_id"])
        assert api.sent_event.wait(10)
    assert api.sent == [{"touser": OPENID, "msgtype": "text", "text": {"content": ADVISOR_PREFIX + ADVICE}}]


def test_without_the_customer_service_api_the_reply_comes_with_the_next_message(tmp_path: Path) -> None:
    store = ConversationStore(f"sqlite:///{tmp_path / 'conversations.sqlite3'}")
    with chat_server(tmp_path, store, wechat_token=TOKEN, wechat_aes_key=AES_KEY, wechat_app_id=APP_ID) as base:
        httpx.post(f"{base}/wechat", params=plain_params(), content=text_xml("找真人", "8100002"))
        (waiting,) = httpx.get(f"{base}/admin/api/handoffs", headers=ADMIN).json()
        _advise(base, waiting["session_id"])
        _wait_until_held(store)
        nxt = httpx.post(f"{base}/wechat", params=plain_params(), content=text_xml("好的，保单号是 P-2026-118", "8100003"))
    content = ElementTree.fromstring(nxt.text).findtext("Content")
    assert ADVISOR_PREFIX + ADVICE in content


def _wait_until_held(store: ConversationStore, timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with store.engine.connect() as conn:
            if conn.exec_driver_sql("SELECT count(*) FROM wechat_user_pages WHERE kind = 'held'").scalar():
                return
        time.sleep(0.05)
    raise AssertionError("the advisor's reply was not held for the next message")


class WeComAPIStandIn:
    """``/cgi-bin/gettoken`` and ``/cgi-bin/message/send`` of WeCom, recording what is sent."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.sent_event = threading.Event()
        self.app = Starlette(routes=[Route("/cgi-bin/gettoken", self.gettoken),
                                     Route("/cgi-bin/message/send", self.send, methods=["POST"])])

    async def gettoken(self, request: Request) -> JSONResponse:
        """A token for the right corp and secret."""
        if request.query_params.get("corpid") != CORP_ID or request.query_params.get("corpsecret") != "agent-secret-9":
            return JSONResponse({"errcode": 40001, "errmsg": "invalid credential"})
        return JSONResponse({"errcode": 0, "access_token": "WECOM_TOKEN_1", "expires_in": 7200})

    async def send(self, request: Request) -> JSONResponse:
        """Accept an application message sent with the token."""
        if request.query_params.get("access_token") != "WECOM_TOKEN_1":
            return JSONResponse({"errcode": 40014, "errmsg": "invalid access_token"})
        self.sent.append(json.loads(await request.body()))
        self.sent_event.set()
        return JSONResponse({"errcode": 0, "errmsg": "ok"})


def test_an_advisor_reply_reaches_the_wecom_member_through_the_application(tmp_path: Path) -> None:
    store = ConversationStore(f"sqlite:///{tmp_path / 'conversations.sqlite3'}")
    api = WeComAPIStandIn()
    with support.serve_in_thread(api.app) as api_url, chat_server(
        tmp_path, store, wecom_token=WECOM_TOKEN, wecom_aes_key=AES_KEY, wecom_corp_id=CORP_ID,
        wecom_agent_id="1000002", wecom_agent_secret="agent-secret-9", wecom_api_url=api_url,
    ) as base:
        params, body = encrypted_request(member_message("转人工", "8200001"), CORP_ID, token=WECOM_TOKEN)
        assert httpx.post(f"{base}/wecom", params=params, content=body).status_code == 200
        (waiting,) = httpx.get(f"{base}/admin/api/handoffs", headers=ADMIN).json()
        assert waiting["channel"] == "wecom"
        _advise(base, waiting["session_id"])
        assert api.sent_event.wait(10)
    assert api.sent == [{"touser": MEMBER, "msgtype": "text", "agentid": 1000002,
                         "text": {"content": ADVISOR_PREFIX + ADVICE}}]
