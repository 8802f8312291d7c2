"""The conversation flow in Chromium: calls before load, questions queued behind an answer, the typing indicator,
failed sends (marked, retried, not restored), and long answers shown from their first line."""

from __future__ import annotations

import pytest

from tests.support import free_port
from tests.web.widget_helpers import (ScriptedAssistant, bot_messages, browser, console, embed_page,  # noqa: F401
                                      host_page, js, shadow, shot, wait_for)

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def answered(root, count: int) -> bool:
    """True once ``count`` answers are complete (their feedback row is there)."""
    done = [m for m in bot_messages(root) if m.find_elements("css selector", ".actions")]
    return len(done) == count


def test_calls_made_before_the_script_loads_run_after_it(browser, start_server):
    shop_port = free_port()
    base, _, _ = start_server(site_keys=f"shop=http://localhost:{shop_port}")
    page = embed_page(f"{base}/widget.js", "shop", before="creditbot('open', '客户破产了能赔吗');")
    with host_page({"/": page}, shop_port) as origin:
        browser.get(f"{origin}/")
        root = shadow(browser)
        wait_for(lambda: answered(root, 1), what="the answer to the call made before load")
        assert root.find_element("css selector", ".msg.user").text.endswith("客户破产了能赔吗")
        assert browser.execute_script("return typeof creditbot.open === 'function' && creditbot.version")
        errors = [m for m in console(browser) if "Error" in m]
        assert not errors


def test_questions_asked_during_an_answer_are_queued_with_a_typing_indicator(browser, start_server):
    assistant = ScriptedAssistant()
    base, _, _ = start_server(assistant=assistant)
    browser.get(f"{base}/")
    root = shadow(browser)
    browser.execute_script("creditbot('open', '请等一下再答')")
    assert assistant.waiting.wait(15), "the first question did not reach the server"
    typing = root.find_element("css selector", ".msg.bot .typing")
    assert typing.is_displayed() and typing.get_attribute("aria-label") == "助手正在输入"
    browser.execute_script("creditbot.open('理赔要多久'); creditbot('ask', '短')")  # while the first is in flight
    assert [m.text.removeprefix("我：").strip() for m in root.find_elements("css selector", ".msg.user")] == \
        ["请等一下再答", "理赔要多久", "短"]
    shot(browser, "typing_and_queue")
    assistant.hold.set()
    wait_for(lambda: answered(root, 3), what="all three answers")
    texts = [m.find_element("css selector", ".text").text for m in bot_messages(root)]
    assert texts[0].startswith("第1轮") and texts[1].startswith("第2轮") and texts[2] == "好的。"
    assert not root.find_elements("css selector", ".typing")


def test_a_failed_send_is_marked_retryable_and_not_restored_after_reload(browser, start_server):
    base, _, _ = start_server()
    browser.get(f"{base}/")
    root = shadow(browser)
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/api/chat"]})
    browser.execute_script("creditbot('open', '客户破产了能赔吗')")
    note = wait_for(lambda: root.find_element("css selector", ".failnote"), what="the failure mark")
    assert "未发送" in note.text and "网络" in note.text
    assert "failed" in root.find_element("css selector", ".msg.user").get_attribute("class")
    assert not bot_messages(root)
    shot(browser, "failed_send")

    browser.refresh()  # the failed question is not restored as an unanswered one
    root = shadow(browser)
    browser.execute_script("creditbot('open')")
    assert not root.find_elements("css selector", ".msg.user")
    assert root.find_elements("css selector", ".msg.greeting")

    browser.execute_script("creditbot('open', '客户破产了能赔吗')")
    retry = wait_for(lambda: root.find_element("css selector", ".failnote button"), what="the retry button")
    assert retry.text == "重试"
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
    retry.click()
    wait_for(lambda: answered(root, 1), what="the retried answer")
    assert not root.find_elements("css selector", ".failnote, .msg.user.failed")
    assert len(root.find_elements("css selector", ".msg.user")) == 1

    browser.refresh()
    root = shadow(browser)
    assert len(root.find_elements("css selector", ".msg.user")) == 1 and len(bot_messages(root)) == 1


def test_a_long_answer_is_shown_from_its_first_line(browser, start_server):
    base, _, _ = start_server(assistant=ScriptedAssistant())
    browser.set_window_size(1366, 650)
    browser.get(f"{base}/")
    root = shadow(browser)
    browser.execute_script("creditbot('open', '理赔要多久')")
    wait_for(lambda: answered(root, 1), what="the first answer")
    browser.execute_script("creditbot('open', '给我一个长回答')")
    wait_for(lambda: answered(root, 2), what="the long answer")
    top, log_top, scrolled, taller = js(browser, """(() => {
        const node = [...root.querySelectorAll('.msg.bot')].pop(), log = root.querySelector('.log');
        return [node.getBoundingClientRect().top, log.getBoundingClientRect().top, log.scrollTop,
                node.offsetHeight > log.clientHeight];
    })()""")
    assert taller and scrolled > 0  # the earlier exchange scrolled away, the long answer fills the view
    assert log_top <= top <= log_top + 16, "the long answer's first line is out of view"
    assert "第1点" in bot_messages(root)[-1].text
    shot(browser, "long_answer_1366x650")
