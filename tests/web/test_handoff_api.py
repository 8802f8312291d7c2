"""Hand-off over HTTP on real servers: the chat reply, the advisors' API, the session messages endpoint,
the webhook, and two chat workers on one store (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.chat import ChatService
from bot.handoff.desk import HandoffDesk
from bot.handoff.notify import WebhookNotifier
from bot.messages import Caller, Session
from bot.store import ConversationStore
from bot.web.server import create_app
from tests import support
from tests.handoff_support import ADMIN_TOKEN, BOT_ANSWER, HandingOffAssistant, WebhookStandIn
from tests.web.conftest import serve_in_thread, web_settings

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def start_workers(tmp_path: Path) -> Iterator[Callable[..., list[str]]]:
    """``start_workers(n, store_url=None, notify=None, **settings) -> [base URL]``: n chat servers on one
    conversation store."""
    stack = ExitStack()

    def start(n: int = 1, store_url: str | None = None, notify: Any = None, **overrides: Any) -> list[str]:
        urls = []
        for _ in range(n):
            port = support.free_port()
            settings = web_settings(tmp_path, port, admin_token=ADMIN_TOKEN, store_url=store_url, **overrides)
            store = ConversationStore(settings.conversation_store_url)
            chat = ChatService(HandingOffAssistant(HandoffDesk(store.engine), notify), store)
            urls.append(stack.enter_context(serve_in_thread(create_app(settings, chat), port)))
        return urls

    with stack:
        yield start


def _chat(base: str, message: str, session_id: str | None = None) -> dict[str, Any]:
    body = {"message": message, **({"session_id": session_id} if session_id else {})}
    response = httpx.post(f"{base}/api/chat", json=body, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_handoff_from_request_to_advisor_reply_and_back_to_the_bot(start_workers: Callable[..., list[str]]) -> None:
    (base,) = start_workers()
    first = _chat(base, "买方破产了怎么办")
    sid = first["session_id"]
    assert first["status"] == "answered"
    asked = _chat(base, "转人工", sid)
    assert asked["status"] == "handoff" and "信用顾问" in asked["answer"]
    waiting = httpx.get(f"{base}/admin/api/handoffs", headers=ADMIN).json()
    assert [(w["session_id"], w["channel"], w["last_message"]) for w in waiting] == [(sid, "web", "转人工")]

    held = _chat(base, "我的买家已经拖欠三个月了", sid)
    assert held["status"] == "handoff" and BOT_ANSWER not in held["answer"]
    assert httpx.get(f"{base}/admin/api/handoffs", headers=ADMIN).json()[0]["last_message"] == "我的买家已经拖欠三个月了"

    reply = httpx.post(f"{base}/admin/api/handoffs/{sid}/reply", json={"text": "您好，我是顾问王敏，请提供保单号。"}, headers=ADMIN)
    assert reply.status_code == 202
    messages = httpx.get(f"{base}/api/sessions/{sid}/messages").json()
    assert [m["role"] for m in messages] == ["user", "bot", "user", "bot", "user", "bot", "advisor"]
    assert messages[-1]["text"] == "您好，我是顾问王敏，请提供保单号。"
    newer = httpx.get(f"{base}/api/sessions/{sid}/messages", params={"after": messages[-2]["id"]}).json()
    assert [m["role"] for m in newer] == ["advisor"]
    inbox = httpx.get(f"{base}/admin/api/handoffs/{sid}/messages", headers=ADMIN).json()
    assert inbox == messages

    assert httpx.post(f"{base}/admin/api/handoffs/{sid}/close", headers=ADMIN).status_code == 204
    assert httpx.get(f"{base}/admin/api/handoffs", headers=ADMIN).json() == []
    assert _chat(base, "买方破产了怎么办", sid)["status"] == "answered"
    assert httpx.post(f"{base}/admin/api/handoffs/{sid}/close", headers=ADMIN).status_code == 404


def test_the_advisors_api_needs_the_admin_token(start_workers: Callable[..., list[str]]) -> None:
    (base,) = start_workers()
    sid = _chat(base, "人工客服")["session_id"]
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": ADMIN_TOKEN}):
        assert httpx.get(f"{base}/admin/api/handoffs", headers=headers).status_code == 401
        assert httpx.post(f"{base}/admin/api/handoffs/{sid}/reply", json={"text": "hi"}, headers=headers).status_code == 401
        assert httpx.post(f"{base}/admin/api/handoffs/{sid}/close", headers=headers).status_code == 401
    assert httpx.post(f"{base}/admin/api/handoffs/web:nobody/reply", json={"text": "hi"}, headers=ADMIN).status_code == 404
    assert httpx.post(f"{base}/admin/api/handoffs/{sid}/reply", json={"text": ""}, headers=ADMIN).status_code == 422


def test_session_messages_answer_only_web_sessions(start_workers: Callable[..., list[str]], tmp_path: Path) -> None:
    (base,) = start_workers()
    store = ConversationStore(f"sqlite:///{tmp_path / 'conversations.sqlite3'}")
    store.save_session(Session("tg:1a2b3c", Caller("telegram", "u")))
    store.add_message("tg:1a2b3c", "user", "转人工")
    assert httpx.get(f"{base}/api/sessions/tg:1a2b3c/messages").status_code == 403
    assert httpx.get(f"{base}/api/sessions/web:never-started/messages").status_code == 404
    assert httpx.get(f"{base}/api/sessions/{'x' * 80}/messages").status_code == 422
    sid = _chat(base, "转人工")["session_id"]
    assert httpx.get(f"{base}/api/sessions/{sid}/messages", params={"after": -1}).status_code == 422
    assert httpx.get(f"{base}/api/sessions/{sid.removeprefix('web:')}/messages").status_code == 200


def test_polling_session_messages_is_rate_limited_apart_from_chat(start_workers: Callable[..., list[str]]) -> None:
    (base,) = start_workers(rate_limit_per_minute=3)
    sid = _chat(base, "我想找人工处理一笔拒赔")["session_id"]
    polls = [httpx.get(f"{base}/api/sessions/{sid}/messages") for _ in range(4)]
    assert [p.status_code for p in polls] == [200, 200, 200, 429]
    assert int(polls[-1].headers["Retry-After"]) >= 1 and "too many requests" in polls[-1].json()["error"]
    assert _chat(base, "好的，我等顾问回复", sid)["session_id"] == sid  # the chat has a count of its own


def test_advisor_replies_are_rate_limited_apart_from_chat(start_workers: Callable[..., list[str]]) -> None:
    (base,) = start_workers(rate_limit_per_minute=3)
    sid = _chat(base, "请帮我转人工，理赔被拒了")["session_id"]
    sent = [httpx.post(f"{base}/admin/api/handoffs/{sid}/reply", json={"text": f"第{n}条：请提供保单号。"}, headers=ADMIN)
            for n in range(1, 5)]
    assert [r.status_code for r in sent] == [202, 202, 202, 429]
    assert int(sent[-1].headers["Retry-After"]) >= 1 and "too many requests" in sent[-1].json()["error"]
    texts = [m["text"] for m in httpx.get(f"{base}/admin/api/handoffs/{sid}/messages", headers=ADMIN).json()]
    assert "第3条：请提供保单号。" in texts and "第4条：请提供保单号。" not in texts  # a refused reply is not stored
    assert _chat(base, "好的，保单号稍后发您", sid)["status"] == "handoff"  # the chat has a count of its own


def test_two_workers_on_one_sqlite_store_see_a_handoff_at_once(start_workers: Callable[..., list[str]]) -> None:
    _two_workers(start_workers(2))


def test_two_workers_on_one_postgresql_store_see_a_handoff_at_once(start_workers: Callable[..., list[str]]) -> None:
    with support.postgres_schema("creditbot_handoff") as url:
        _two_workers(start_workers(2, store_url=url))


def _two_workers(urls: list[str]) -> None:
    one, two = urls
    sid = _chat(one, "找真人")["session_id"]
    assert [w["session_id"] for w in httpx.get(f"{two}/admin/api/handoffs", headers=ADMIN).json()] == [sid]
    assert _chat(two, "在吗？", sid)["status"] == "handoff"
    assert httpx.post(f"{two}/admin/api/handoffs/{sid}/reply", json={"text": "在的，请讲。"}, headers=ADMIN).status_code == 202
    last = httpx.get(f"{one}/api/sessions/{sid}/messages").json()[-1]
    assert (last["role"], last["text"]) == ("advisor", "在的，请讲。")
    assert httpx.post(f"{one}/admin/api/handoffs/{sid}/close", headers=ADMIN).status_code == 204
    assert _chat(two, "买方破产了怎么办", sid)["status"] == "answered"


def test_a_new_handoff_notifies_the_webhook_retrying_without_holding_the_reply(
    start_workers: Callable[..., list[str]],
) -> None:
    robot = WebhookStandIn(failures=2)
    with support.serve_in_thread(robot.app) as robot_url:
        notifier = WebhookNotifier(f"{robot_url}/cgi-bin/webhook/send", first_pause_s=0.3,
                                   inbox_url="https://bot.example.cn/admin/inbox")
        (base,) = start_workers(notify=notifier)
        sid = _chat(base, "我想转人工")["session_id"]
        assert not robot.accepted.is_set()  # the reply came back before the webhook took the notification
        assert robot.accepted.wait(10)
        _chat(base, "还在等", sid)  # the same hand-off: no second notification
    assert len(robot.posts) == 3
    content = robot.posts[-1]["text"]["content"]
    assert robot.posts[-1]["msgtype"] == "text" and "我想转人工" in content and "/admin/inbox" in content
