"""A site owner's first embed: refusals explained (visitor in Chinese, owner in the console), the demo page keeps
working when CREDITBOT_SITE_KEYS is set, the embed check readable from any origin, the favicon."""

from __future__ import annotations

import httpx
import pytest

from tests.support import free_port
from tests.web.widget_helpers import (bot_messages, browser, console, embed_page, host_page,  # noqa: F401
                                      shadow, shot, wait_for)

pytestmark = [pytest.mark.browser, pytest.mark.integration]

REFUSED = "此网站未获授权使用该助手，请联系网站管理员"


@pytest.mark.parametrize(("key", "reason"), [("shop-other", "not allowed for this origin"),
                                              ("typo", "unknown site key 'typo'"),
                                              ("", "a site key is required")])
def test_a_refused_embed_tells_the_visitor_and_the_site_owner(browser, start_server, key, reason):
    shop_port = free_port()
    base, _, chat = start_server(site_keys="shop-other=https://other.example")
    calls = chat.assistant.calls  # the warm-up question
    with host_page({"/": embed_page(f"{base}/widget.js", key)}, shop_port) as origin:
        browser.get(f"{origin}/")
        root = shadow(browser)
        logged = wait_for(lambda: [m for m in console(browser) if "[creditbot]" in m], what="the console message")
        assert reason in logged[0] and "CREDITBOT_SITE_KEYS" in logged[0] and origin in logged[0]
        browser.execute_script("creditbot('open')")
        greeting = root.find_element("css selector", ".msg.greeting")
        assert REFUSED in greeting.text and not root.find_elements("css selector", ".suggest")
        shot(browser, f"refused_{key or 'nokey'}")
        browser.execute_script("creditbot('open', '客户破产了能赔吗')")  # the CORS preflight is refused
        note = wait_for(lambda: root.find_element("css selector", ".failnote"), what="the failed send")
        assert REFUSED in note.text and "网络" not in note.text
        assert chat.assistant.calls == calls


def test_the_demo_page_works_when_site_keys_are_set(browser, start_server):
    base, _, _ = start_server(site_keys="shop=https://shop.example")  # not demo mode, a key for another site
    browser.get(f"{base}/")
    assert 'data-site-key="demo"' in browser.page_source
    root = shadow(browser)
    browser.execute_script("creditbot('open', '客户破产了能赔吗')")
    wait_for(lambda: root.find_element("css selector", ".msg.bot .sources .cite"), what="an answer on the demo page")
    assert not [m for m in console(browser) if "SEVERE" in m or "[creditbot]" in m]  # no 404 favicon, no refusal
    assert not root.find_elements("css selector", ".failnote")


def test_embed_check_is_readable_from_any_origin(start_server):
    base, _, _ = start_server(site_keys="shop=https://shop.example")
    check = f"{base}/api/widget/check"
    ok = httpx.get(check, params={"site_key": "shop"}, headers={"Origin": "https://shop.example"})
    assert ok.json() == {"ok": True} and ok.headers["access-control-allow-origin"] in ("*", "https://shop.example")
    refused = httpx.get(check, params={"site_key": "shop"}, headers={"Origin": "https://evil.example"})
    body = refused.json()
    assert refused.status_code == 200 and refused.headers["access-control-allow-origin"] == "*"
    assert body["ok"] is False and body["code"] == "origin_not_allowed" and body["setting"] == "CREDITBOT_SITE_KEYS"
    assert httpx.get(check, params={"site_key": "demo"}, headers={"Origin": base}).json() == {"ok": True}


def test_favicon_and_widget_script_are_served(start_server):
    base, _, _ = start_server()
    for path in ("/favicon.ico", "/favicon.svg"):
        icon = httpx.get(f"{base}{path}")
        assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
        assert icon.text.startswith("<svg")
    script = httpx.get(f"{base}/widget.js")
    assert script.status_code == 200 and "__WIDGET_CSS__" not in script.text and ":host" in script.text
    assert 'rel="icon"' in httpx.get(f"{base}/").text
