"""What the answers look like and how the panel handles on a phone: citations never leave punctuation at a line
start, full-width punctuation, the localised buyer card, bubbles sized to content, the 👎 comment box, touch
targets, input font, focus after a chip, Esc from anywhere."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.store import feedback as feedback_table
from tests.web.widget_helpers import (ScriptedAssistant, active_id, bot_messages, browser, js,  # noqa: F401
                                      shadow, shot, wait_for)

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def ask_and_wait(driver, root, question: str) -> object:
    """Ask through the host API and return the finished answer's bubble."""
    before = len(bot_messages(root))
    driver.execute_script("creditbot('open', arguments[0])", question)
    return wait_for(lambda: len(bot_messages(root)) > before and bot_messages(root)[-1].find_elements(
        "css selector", ".actions") and bot_messages(root)[-1], what=f"the answer to {question}")


def test_citations_keep_their_punctuation_and_chinese_text_is_full_width(browser, start_server):
    base, _, _ = start_server(assistant=ScriptedAssistant())
    browser.get(f"{base}/")
    root = shadow(browser)
    text = ask_and_wait(browser, root, "标点符号").find_element("css selector", ".text").text
    assert text.startswith("按保单约定，买方破产后（宣告之日起）应及时申报债权")
    assert "逾期可能影响赔付：请尽早" in text and "," not in text and "(" not in text
    groups = js(browser, "[...root.querySelectorAll('.msg.bot .text .nobr')].map((g) => g.textContent)")
    assert groups == ["权[1]。", "天[1]；", "料[1]。"]  # the character before, the marker and what follows
    excerpt_title = root.find_element("css selector", ".cite").text
    assert excerpt_title == "[1] 买方破产的理赔流程"
    # at every panel width, no group is split over two lines, so "。" / "；" never start a line
    split = js(browser, """(() => {
        const panel = root.querySelector('.panel'), bad = [];
        for (let w = 240; w <= 420; w += 3) {
            panel.style.width = w + 'px';
            for (const g of root.querySelectorAll('.msg.bot .text .nobr')) {
                const lines = new Set([...g.getClientRects()].map((r) => Math.round(r.top)));
                if (lines.size > 1) bad.push([w, g.textContent]);
            }
        }
        panel.style.width = '';
        return bad;
    })()""")
    assert split == []
    shot(browser, "typography")


def test_buyer_card_is_localised_and_bubbles_fit_their_content(browser, start_server):
    base, _, _ = start_server(assistant=ScriptedAssistant())
    browser.get(f"{base}/")
    root = shadow(browser)
    card_bubble = ask_and_wait(browser, root, "查一下买家 CN1000")
    card = card_bubble.find_element("css selector", ".card")
    values = dict(zip([d.text for d in card.find_elements("css selector", "dt")],
                      [d.text for d in card.find_elements("css selector", "dd")], strict=True))
    assert values["状态"] == "破产 / 无力偿付" and values["建议信用限额"] == "100万元"
    assert "insolvent" not in card_bubble.text and "1,000,000" not in card_bubble.text
    assert "⚠" in card.text and "CN1000 苏州鑫达精密机械有限公司" in card.text
    short = ask_and_wait(browser, root, "短")
    log_width = js(browser, "root.querySelector('.log').clientWidth")
    assert short.find_element("css selector", ".text").text == "好的。"
    assert short.rect["width"] < 0.88 * log_width  # sized to its content (the feedback row sets the width)
    user_bubble = root.find_elements("css selector", ".msg.user")[-1]
    assert user_bubble.rect["width"] < 80
    shot(browser, "buyer_card")


def test_thumbs_down_asks_for_a_comment(browser, start_server):
    base, _, chat = start_server()
    browser.get(f"{base}/")
    root = shadow(browser)
    answer = ask_and_wait(browser, root, "客户破产了能赔吗")
    answer.find_element("css selector", ".actions button[aria-label='没有帮助']").click()
    box = wait_for(lambda: answer.find_element("css selector", ".comment textarea"), what="the comment box")
    assert "哪里不对" in box.get_attribute("placeholder")
    assert js(browser, "root.activeElement && root.activeElement.closest('.comment') !== null")
    box.send_keys("没有说明需要多久")
    shot(browser, "comment_box")
    answer.find_element("css selector", ".comment button").click()
    wait_for(lambda: root.find_element("css selector", ".thanks").text == "谢谢反馈", what="the thanks")
    assert not answer.find_elements("css selector", ".comment")
    with chat.store.engine.connect() as conn:
        rows = conn.execute(select(feedback_table.c.rating, feedback_table.c.comment)).all()
    assert [tuple(r) for r in rows] == [(-1, "没有说明需要多久")]


def test_phone_touch_targets_input_font_chip_focus_and_escape(browser, start_server):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    base, _, _ = start_server()
    browser.set_window_size(390, 844)
    browser.get(f"{base}/")
    root = shadow(browser)
    browser.execute_script("creditbot('open')")
    assert js(browser, "getComputedStyle(root.querySelector('#cb-input')).fontSize") == "16px"
    root.find_element("css selector", ".suggest button").click()
    assert active_id(browser) == "cb-input"  # focus stays in the widget although the chip is gone
    wait_for(lambda: bot_messages(root) and bot_messages(root)[-1].find_elements("css selector", ".actions"),
             what="the chip's answer")
    small = js(browser, """[...root.querySelectorAll('.panel button, .panel a')]
        .filter((b) => b.offsetParent !== null && !b.classList.contains('ref'))
        .map((b) => [b.getAttribute('aria-label') || b.textContent, b.getBoundingClientRect()])
        .filter(([, r]) => r.width < 44 || r.height < 44).map(([name, r]) => `${name} ${r.width}x${r.height}`)""")
    assert small == []
    shot(browser, "phone_390")

    # Esc closes the panel wherever the focus is, here on the host page
    browser.execute_script("document.activeElement.blur(); document.body.tabIndex = -1; document.body.focus()")
    assert browser.execute_script("return document.activeElement === document.body")
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    wait_for(lambda: not root.find_element("css selector", ".panel").is_displayed(), what="Esc to close the panel")
