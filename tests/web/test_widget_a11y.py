"""axe-core (bundled with selenium-axe-python) finds no violation on the demo page with the widget in each of its
states: greeting, answer with citations, buyer card, comment box, failed send, refused key."""

from __future__ import annotations

import pytest

from tests.web.widget_helpers import ScriptedAssistant, bot_messages, browser, shadow, wait_for  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def violations(driver) -> str:
    """axe-core's report of the current page ('' when there is none)."""
    from selenium_axe_python import Axe

    axe = Axe(driver)
    axe.inject()
    found = axe.run()["violations"]
    return axe.report(found) if found else ""


@pytest.mark.parametrize("size", [(1280, 860), (390, 844)])
def test_no_axe_violations_in_any_widget_state(browser, start_server, size):
    base, _, _ = start_server(assistant=ScriptedAssistant())
    browser.set_window_size(*size)
    browser.get(f"{base}/")
    root = shadow(browser)
    assert violations(browser) == ""  # the demo page with the closed launcher
    browser.execute_script("creditbot('open')")
    assert violations(browser) == ""  # greeting and suggestions
    for question in ("客户破产了能赔吗", "查一下买家 CN1000"):
        count = len(bot_messages(root))
        browser.execute_script("creditbot('open', arguments[0])", question)
        wait_for(lambda: len(bot_messages(root)) > count and bot_messages(root)[-1].find_elements(
            "css selector", ".actions"), what="the answer")
    root.find_element("css selector", ".cite").click()  # an open excerpt
    bot_messages(root)[-1].find_element("css selector", "button[aria-label='没有帮助']").click()
    wait_for(lambda: root.find_element("css selector", ".comment textarea"), what="the comment box")
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/api/chat"]})
    browser.execute_script("creditbot('open', '理赔要多久')")
    wait_for(lambda: root.find_element("css selector", ".failnote"), what="the failed send")
    assert violations(browser) == ""
