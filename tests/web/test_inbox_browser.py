"""The advisors' inbox in real headless Chromium: a waiting conversation shows up, the advisor answers and
closes it, and "存为标准答案" posts the question and the answer to the curated answers API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.chat import ChatService
from bot.handoff.desk import HandoffDesk
from bot.store import ConversationStore
from bot.web.server import create_app
from tests import support
from tests.handoff_support import ADMIN_TOKEN, HandingOffAssistant
from tests.web.conftest import serve_in_thread, web_settings
from tests.web.widget_helpers import browser, shot, wait_for  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.integration]


@pytest.fixture
def inbox_server(tmp_path: Path) -> Iterator[str]:
    """The chat server with the console (whose curated answers API the inbox posts to)."""
    port = support.free_port()
    settings = web_settings(tmp_path, port, admin_token=ADMIN_TOKEN)
    store = ConversationStore(settings.conversation_store_url)
    app = create_app(settings, ChatService(HandingOffAssistant(HandoffDesk(store.engine)), store))
    with serve_in_thread(app, port) as base:
        yield base


def test_advisor_answers_curates_and_closes_from_the_inbox(browser, inbox_server) -> None:
    base = inbox_server
    sid = httpx.post(f"{base}/api/chat", json={"message": "转人工"}).json()["session_id"]
    httpx.post(f"{base}/api/chat", json={"message": "出口到越南的货款逾期了能赔吗", "session_id": sid})

    browser.get(f"{base}/admin/inbox")
    browser.find_element("id", "token").send_keys(ADMIN_TOKEN)
    browser.find_element("css selector", "#login button").click()
    item = wait_for(lambda: browser.find_element("css selector", f"#list button[data-session='{sid}']"),
                    what="the waiting conversation")
    assert "出口到越南的货款逾期了能赔吗" in item.text
    item.click()
    wait_for(lambda: "出口到越南" in browser.find_element("id", "log").text, what="the conversation")

    browser.find_element("id", "text").send_keys("可以，出口信用保险承保买方拖欠，请在90天内报损。")
    browser.find_element("css selector", "#reply button[type=submit]").click()
    keep = wait_for(lambda: browser.find_element("css selector", ".msg.advisor button.curate"), what="the advisor's reply")
    assert httpx.get(f"{base}/api/sessions/{sid}/messages").json()[-1]["role"] == "advisor"
    keep.click()
    wait_for(lambda: keep.text == "已存为标准答案", what="the curated answer")
    stored = httpx.get(f"{base}/admin/api/answers", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}).json()
    assert [(a["question"], a["answer"]) for a in stored] == [
        ("出口到越南的货款逾期了能赔吗", "可以，出口信用保险承保买方拖欠，请在90天内报损。")]
    shot(browser, "inbox")

    browser.find_element("id", "close").click()
    wait_for(lambda: not browser.find_elements("css selector", "#list button"), what="the list to empty")
    assert httpx.post(f"{base}/api/chat", json={"message": "买方破产了怎么办", "session_id": sid}).json()["status"] == "answered"
