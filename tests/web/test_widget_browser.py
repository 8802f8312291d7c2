"""The widget in real headless Chromium against a real chat server (fake assistant core, real SQL store).

Screenshots go to tests/output/ (gitignored).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.store import feedback as feedback_table
from tests.web.widget_helpers import (active_id, bot_messages, browser, embed_page, host_page,  # noqa: F401
                                      shadow, shot, wait_for)

pytestmark = [pytest.mark.browser, pytest.mark.integration]

COUNT_UPDATES = """
const root = document.getElementById('creditbot-widget').shadowRoot;
window.__updates = 0;
new MutationObserver(() => { window.__updates += 1; })
  .observe(root.querySelector('.log'), {childList: true, characterData: true, subtree: true});
"""


def test_widget_full_conversation(browser, start_server):
    from selenium.webdriver.common.keys import Keys

    base, _, chat = start_server(demo=True)
    browser.get(f"{base}/")
    root = shadow(browser)
    launcher = root.find_element("css selector", ".launcher")
    panel = root.find_element("css selector", ".panel")
    assert launcher.get_attribute("aria-label").startswith("打开在线帮助")
    assert not panel.is_displayed()

    # keyboard: focus the button, Enter opens, focus lands in the input
    browser.execute_script("document.getElementById('creditbot-widget').shadowRoot.querySelector('.launcher').focus()")
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for(panel.is_displayed, what="the panel to open")
    assert panel.get_attribute("role") == "dialog" and panel.get_attribute("aria-modal") == "true"
    log = root.find_element("css selector", ".log")
    assert log.get_attribute("role") == "log" and log.get_attribute("aria-live") == "polite"
    wait_for(lambda: active_id(browser) == "cb-input", what="focus in the input")
    greeting = root.find_element("css selector", ".msg.greeting")
    assert "您好" in greeting.text
    suggestions = [b.text for b in root.find_elements("css selector", ".suggest button")]
    assert "客户破产了能赔吗" in suggestions and "理赔要多久" in suggestions
    shot(browser, "open_desktop")

    # ask by clicking a suggestion; the answer streams in several updates, then citations appear
    browser.execute_script(COUNT_UPDATES)
    root.find_element("css selector", ".suggest button").click()
    cite = wait_for(lambda: root.find_element("css selector", ".msg.bot .sources .cite"), what="a citation")
    assert browser.execute_script("return window.__updates") >= 4  # user msg, bot msg, >=2 deltas
    answer = bot_messages(root)[-1].find_element("css selector", ".text").text
    assert answer.startswith("第1轮：买方破产属于商业风险")
    assert cite.text == "[1] 买方破产的理赔流程"
    excerpt = root.find_element("css selector", ".excerpt")
    assert not excerpt.is_displayed()
    ref = bot_messages(root)[-1].find_element("css selector", ".text button.ref")
    assert ref.text == "[1]" and ref.get_attribute("aria-label") == "来源 1：买方破产的理赔流程"
    ref.click()  # the inline marker opens the excerpt
    wait_for(excerpt.is_displayed, what="the excerpt")
    assert "债权申报证明" in excerpt.text and cite.get_attribute("aria-expanded") == "true"
    cite.click()  # the numbered link toggles it
    wait_for(lambda: not excerpt.is_displayed(), what="the excerpt to close")
    cite.click()

    # feedback reaches the store
    root.find_element("css selector", ".actions button[aria-label='有帮助']").click()
    wait_for(lambda: root.find_element("css selector", ".thanks").text == "谢谢反馈", what="feedback thanks")
    with chat.store.engine.connect() as conn:
        assert conn.execute(select(feedback_table.c.rating)).scalars().all() == [1]
    shot(browser, "answer_with_citation")

    # out of scope: the contact link
    textarea = root.find_element("css selector", "textarea")
    textarea.send_keys("今天天气怎么样", Keys.ENTER)
    contact = wait_for(lambda: root.find_element("css selector", ".msg.bot button.contact"), what="the contact button")
    assert contact.text == "联系人工"

    # reload: history and session survive; a follow-up is answered in context
    browser.refresh()
    root = shadow(browser)
    assert len(root.find_elements("css selector", ".msg")) == 4
    root.find_element("css selector", ".launcher").click()
    assert not root.find_elements("css selector", ".suggest")  # no chips once the conversation has started
    assert root.find_element("css selector", ".actions button[aria-label='有帮助']").get_attribute("aria-pressed") == "true"
    root.find_element("css selector", "textarea").send_keys("那需要准备什么材料?", Keys.ENTER)
    wait_for(lambda: len(bot_messages(root)) == 3 and bot_messages(root)[-1].find_elements("css selector", ".actions"),
             what="the follow-up answer")
    assert bot_messages(root)[-1].find_element("css selector", ".text").text.startswith("第3轮：关于“今天天气怎么样”")
    shot(browser, "after_reload")

    # Escape closes and gives focus back to the button
    root.find_element("css selector", "textarea").send_keys(Keys.ESCAPE)
    wait_for(lambda: not root.find_element("css selector", ".panel").is_displayed(), what="the panel to close")
    assert active_id(browser) == "launcher"


def test_widget_host_api_and_phone_layout(browser, start_server):
    base, _, _ = start_server(demo=True)
    browser.set_window_size(360, 740)
    browser.get(f"{base}/")
    root = shadow(browser)
    browser.find_element("css selector", "a.help").click()  # the page calls creditbot.open("...")
    wait_for(lambda: root.find_element("css selector", ".msg.bot .actions"), what="the pre-filled question's answer")
    assert root.find_element("css selector", ".msg.user").text.endswith("买方破产了，保险公司怎么赔？")
    rect = browser.execute_script(
        "const r = document.getElementById('creditbot-widget').shadowRoot.querySelector('.panel')"
        ".getBoundingClientRect(); return [r.left, r.top, r.width, r.height, document.documentElement.clientWidth, innerHeight];"
    )
    left, top, width, height, inner_w, inner_h = rect
    assert (left, top) == (0, 0) and width == inner_w and height == inner_h  # full screen at phone width
    shot(browser, "phone_360")
    # the host page's hostile button font does not leak into the widget
    font = browser.execute_script(
        "return getComputedStyle(document.getElementById('creditbot-widget').shadowRoot"
        ".querySelector('form button')).fontFamily")
    assert "serif" != font.strip().lower()


def test_widget_with_the_real_assistant(browser, make_settings):
    from bot.web.server import create_app
    from tests.web.conftest import free_port, serve_in_thread

    port = free_port()
    settings = make_settings(port=port, demo=True)
    with serve_in_thread(create_app(settings), port) as base:
        browser.get(f"{base}/")
        root = shadow(browser)
        browser.execute_script("window.creditbot.open('客户破产了能赔吗')")
        cite = wait_for(lambda: root.find_element("css selector", ".msg.bot .sources .cite"), timeout=60,
                        what="a real cited answer")
        cite.click()
        excerpt = root.find_element("css selector", ".msg.bot .excerpt")
        wait_for(excerpt.is_displayed, what="the excerpt")
        assert len(excerpt.text) > 20
        answer = root.find_element("css selector", ".msg.bot .text").text
        assert "破产" in answer or "理赔" in answer
        shot(browser, "real_answer")


@pytest.mark.parametrize(("key", "allowed"), [("shop", True), ("shop-other", False)])
def test_widget_on_another_origin_uses_its_site_key(browser, start_server, key, allowed):
    from tests.web.conftest import free_port

    shop_port = free_port()
    shop_origin = f"http://localhost:{shop_port}"  # not the chat server's origin (127.0.0.1:...)
    base, _, _ = start_server(site_keys=f"shop={shop_origin};shop-other=https://other.example")
    with host_page({"/": embed_page(f"{base}/widget.js", key)}, shop_port) as origin:
        browser.get(f"{origin}/")
        root = shadow(browser)
        browser.execute_script("window.creditbot.open('客户破产了能赔吗')")
        if allowed:
            wait_for(lambda: root.find_element("css selector", ".msg.bot .sources .cite"), what="a cross-origin answer")
            shot(browser, "cross_origin")
        else:
            note = wait_for(lambda: root.find_element("css selector", ".failnote"), what="the refusal")
            assert "此网站未获授权使用该助手，请联系网站管理员" in note.text
