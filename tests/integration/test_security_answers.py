"""Issue 10 through the real assistant: borrowed sessions, permission on completion, outages, clarify wording.

The chat server (real index, real tool routing) talks to the real credit service on loopback; every
check is made on what a caller sees over HTTP or through the ChatService, so it holds whatever shape the
tool routing takes inside.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.chat import ChatService, build_chat_service
from bot.config import Settings
from bot.messages import Incoming
from bot.policy import caller_for
from bot.web.server import create_app
from tests.integration.credit_service import sample_service
from tests.support import free_port, running_server, wait_healthy
from tools import replies

pytestmark = pytest.mark.integration
ASK_BUYER = "帮我查一下这个买家的信用等级"
STAFF_ORIGIN = "https://intranet.example"


@pytest.fixture(scope="module")
def service_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with sample_service(tmp_path_factory.mktemp("svc-sec")) as base:
        yield base


@pytest.fixture
def chat_server(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., tuple[str, ChatService, Settings]]]:
    stack: list[Any] = []

    def start(**overrides: Any) -> tuple[str, ChatService, Settings]:
        settings = make_settings(site_keys=f"staff={STAFF_ORIGIN}:internal;shop=https://shop.example", **overrides)
        chat = build_chat_service(settings)
        server = running_server(create_app(settings, chat))
        base, _ = server.__enter__()
        stack.append(server)
        wait_healthy(base, timeout_s=180)  # the warm-up loads the embedding model
        return base, chat, settings

    yield start
    for server in reversed(stack):
        server.__exit__(None, None, None)


def test_borrowed_wecom_session_gets_neither_grade_nor_limit(chat_server: Callable[..., Any], service_url: str) -> None:
    """Item 1 as the audit reproduced it: zhangsan's pending WeCom request completed from the web."""
    base, chat, settings = chat_server(service_url=service_url, buyer_tool_callers="wecom:zhangsan")
    zhangsan = caller_for(settings, "wecom", "zhangsan")
    session_id = f"wecom:{zhangsan.user_hash}"
    assert chat.handle(Incoming(ASK_BUYER, session_id, zhangsan)).status == "clarify"
    plain = "wecom:" + hashlib.sha256(b"wecom:zhangsan").hexdigest()[:16]
    for borrowed in (plain, session_id):
        response = httpx.post(f"{base}/api/chat", json={"message": "宁波恒丰", "session_id": borrowed})
        assert response.status_code == 403
        assert "信用等级" not in response.text and "限额" not in response.text
    done = chat.handle(Incoming("宁波恒丰", session_id, zhangsan))  # the owner still completes it
    assert "CN1007" in done.answer or "宁波恒丰" in done.answer
    assert [c.name for c in done.tool_calls] == ["buyer_lookup"]


def test_pending_buyer_request_is_rechecked_when_completed(chat_server: Callable[..., Any], service_url: str) -> None:
    """Item 1: a request started with an internal site key cannot be completed without it."""
    base, _, _ = chat_server(service_url=service_url)
    staff = {"X-Site-Key": "staff", "Origin": STAFF_ORIGIN}
    first = httpx.post(f"{base}/api/chat", json={"message": ASK_BUYER}, headers=staff).json()
    assert first["status"] == "clarify"
    public = {"X-Site-Key": "shop", "Origin": "https://shop.example"}
    second = httpx.post(f"{base}/api/chat", json={"message": "宁波恒丰", "session_id": first["session_id"]},
                        headers=public).json()
    assert second["answer"] == replies.NO_PERMISSION
    assert all(c["name"] != "buyer_lookup" or "error" in c["result"] for c in second["tool_calls"])
    allowed = httpx.post(f"{base}/api/chat", json={"message": ASK_BUYER, "session_id": first["session_id"]},
                         headers=staff).json()
    again = httpx.post(f"{base}/api/chat", json={"message": "宁波恒丰", "session_id": allowed["session_id"]},
                       headers=staff).json()
    assert any(c["name"] == "buyer_lookup" and c["result"].get("matches") for c in again["tool_calls"])


def test_ledger_question_with_the_service_down_says_it_is_unavailable(chat_server: Callable[..., Any]) -> None:
    """Item 6: the outage is reported, not hidden behind an article answer."""
    base, _, _ = chat_server(service_url=f"http://127.0.0.1:{free_port()}", demo=True)
    reply = httpx.post(f"{base}/api/chat", json={"message": "宁波恒丰化工的DSO和账龄是多少"}).json()
    assert reply["answer"] == replies.UNAVAILABLE and not reply["sources"]
    assert reply["tool_calls"][0]["result"]["error"] == "service_unavailable"


def test_clarify_example_names_the_missing_value(chat_server: Callable[..., Any], tmp_path: Path) -> None:
    """Item 10: asked for the period, the example is not an amount of receivables."""
    base, _, _ = chat_server()
    reply = httpx.post(f"{base}/api/chat", json={"message": "应收账款500万，赊销额900万"}).json()
    assert reply["status"] == "clarify" and "期间" in reply["answer"]
    assert "应收大概" not in reply["answer"]
