"""The widget's 联系人工 in real headless Chromium: it starts a hand-off, and an advisor's reply appears in the
open panel, marked as from a person, and is still there after a reload."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.chat import ChatService
from bot.handoff.desk import HandoffDesk
from bot.pipeline.handoff import ACK
from bot.store import ConversationStore
from bot.web.server import create_app
from tests import support
from tests.handoff_support import ADMIN_TOKEN, HandingOffAssistant
from tests.web.conftest import serve_in_thread, web_settings
from tests.web.widget_helpers import bot_messages, browser, shadow, shot, wait_for  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.integration]
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
ADVICE = "您好，我是信用顾问王敏，请问您的保单号是多少？"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = support.free_port()
    settings = web_settings(tmp_path, port, demo=True, admin_token=ADMIN_TOKEN)
    store = ConversationStore(settings.conversation_store_url)
    chat = ChatService(HandingOffAssistant(HandoffDesk(store.engine)), store)
    with serve_in_thread(create_app(settings, chat), port) as base:
        yield base


def test_contact_button_hands_off_and_the_advisor_reply_appears_in_the_panel(browser, server: str) -> None:
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{server}/")
    root = shadow(browser)
    root.find_element("css selector", ".launcher").click()
    root.find_element("css selector", "textarea").send_keys("今天天气怎么样", Keys.ENTER)
    contact = wait_for(lambda: root.find_element("css selector", ".msg.bot button.contact"), what="the contact button")
    assert contact.text == "联系人工" and not root.find_elements("css selector", "a[href^='mailto:']")
    contact.click()
    wait_for(lambda: ACK in bot_messages(root)[-1].text, what="the hand-off reply")
    (waiting,) = httpx.get(f"{server}/admin/api/handoffs", headers=ADMIN).json()
    assert waiting["channel"] == "web" and waiting["last_message"] == "联系人工"

    reply = httpx.post(f"{server}/admin/api/handoffs/{waiting['session_id']}/reply", json={"text": ADVICE}, headers=ADMIN)
    assert reply.status_code == 202
    advisor = wait_for(lambda: root.find_element("css selector", ".msg.advisor"), what="the advisor's reply")
    assert ADVICE in advisor.text and "人工顾问" in advisor.text
    shot(browser, "handoff_advisor_reply")

    browser.refresh()  # the reply is kept with the conversation, and shown once
    root = shadow(browser)
    root.find_element("css selector", ".launcher").click()
    assert [n.text for n in root.find_elements("css selector", ".msg.advisor .text")] == [ADVICE]
    httpx.post(f"{server}/admin/api/handoffs/{waiting['session_id']}/reply", json={"text": "还在吗？"}, headers=ADMIN)
    wait_for(lambda: len(root.find_elements("css selector", ".msg.advisor")) == 2, what="a second advisor reply")
    assert len(root.find_elements("css selector", ".msg.advisor")) == 2
