"""Host-page CSS cannot reach the widget: the same widget on a hostile page and on a clean page looks the same,
pixel for pixel, and stays above a z-index 1000 banner."""

from __future__ import annotations

import pytest

from tests.support import free_port
from tests.web.widget_helpers import (bot_messages, browser, clip_png, differing_pixels, embed_page,  # noqa: F401
                                      host_page, js, rect_of, shadow, shot, wait_for)

pytestmark = [pytest.mark.browser, pytest.mark.integration]

HOSTILE = """<style>
div { display: none !important; }
html { letter-spacing: 4px; word-spacing: 20px; text-align: right; text-transform: uppercase; cursor: wait;
       font: italic 30px/3 serif; color: red; line-height: 3; white-space: pre; }
body *, creditbot-widget { opacity: .4 !important; }
* { box-sizing: content-box; }
button, textarea { all: unset; border: 3px dashed red !important; font-size: 9px !important; }
.banner { position: fixed; left: 0; right: 0; bottom: 0; height: 140px; z-index: 1000; background: #222; opacity: 1;
          display: block !important; }
</style>"""
BANNER = '<section class="banner">我们使用 Cookie</section>'


def open_and_answer(driver) -> object:
    """Open the panel, ask one question, wait for its answer; then take focus away (no blinking caret)."""
    root = shadow(driver)
    driver.execute_script("creditbot('open', '客户破产了能赔吗')")
    wait_for(lambda: bot_messages(root) and bot_messages(root)[-1].find_elements("css selector", ".actions"),
             what="the answer")
    js(driver, "root.activeElement && root.activeElement.blur()")
    return root


def test_hostile_page_css_changes_nothing_in_the_widget(browser, start_server):
    shop_port = free_port()
    shop = f"http://localhost:{shop_port}"
    base, _, _ = start_server(site_keys=f"clean={shop};hostile={shop}")  # one key each: separate stored chats
    src = f"{base}/widget.js"
    pages = {"/clean": embed_page(src, "clean"), "/hostile": embed_page(src, "hostile", head=HOSTILE, body=BANNER)}
    images = {}
    with host_page(pages, shop_port) as origin:
        for name in ("clean", "hostile"):
            browser.get(f"{origin}/{name}")
            open_and_answer(browser)
            shot(browser, f"isolation_{name}")
            images[name] = (clip_png(browser, rect_of(browser, ".panel", inset=12), f"isolation_{name}_panel"),
                            clip_png(browser, rect_of(browser, ".launcher", inset=10), f"isolation_{name}_launcher"))
            if name == "hostile":
                # the launcher is on top of the z-index 1000 banner: a click at its centre reaches it
                topmost = browser.execute_script(
                    "const r = document.getElementById('creditbot-widget').shadowRoot.querySelector('.launcher')"
                    ".getBoundingClientRect(); const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);"
                    "return hit && hit.tagName")
                assert topmost == "CREDITBOT-WIDGET"
                host = browser.find_element("id", "creditbot-widget")
                assert host.value_of_css_property("display") == "block"
                assert js(browser, "getComputedStyle(root.querySelector('.panel')).cursor") == "auto"
    assert differing_pixels(images["hostile"][0], images["clean"][0]) == 0, "the panel differs on the hostile page"
    assert differing_pixels(images["hostile"][1], images["clean"][1]) == 0, "the launcher differs on the hostile page"
