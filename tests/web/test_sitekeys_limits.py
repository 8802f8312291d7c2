"""Site-key parsing and origin checks; the sliding-window rate limiter with a fake clock."""

from __future__ import annotations

import pytest

from limits.storage import MemoryStorage

from bot.web.limits import RateLimiter
from bot.web.sitekeys import SiteKeys, normalize_origin, parse_site_keys


def test_parse_site_keys_with_internal_flag_and_ports():
    keys = parse_site_keys("shop=https://Shop.example|https://www.shop.example:443/; staff=http://intranet:8080:internal")
    assert keys["shop"].origins == {"https://shop.example", "https://www.shop.example"}
    assert not keys["shop"].internal
    assert keys["staff"].origins == {"http://intranet:8080"} and keys["staff"].internal


@pytest.mark.parametrize("spec", ["shop", "=https://a.example", "shop=", "shop=not-an-origin"])
def test_parse_site_keys_rejects_malformed_entries(spec):
    with pytest.raises(ValueError):
        parse_site_keys(spec)


def test_normalize_origin_drops_default_port_and_path():
    assert normalize_origin("HTTPS://A.Example:443/path") == "https://a.example"
    assert normalize_origin("http://127.0.0.1:8000") == "http://127.0.0.1:8000"


def test_check_keys_and_origins_names_the_setting_to_change():
    keys = SiteKeys.from_settings("shop=https://shop.example", own={"http://127.0.0.1:8000"}, cors_origins=[])
    assert keys.check("shop", "https://shop.example") is None
    assert keys.check("shop", None) is None  # server-to-server use of a public key
    assert keys.check(None, "http://127.0.0.1:8000") is None
    wrong_origin = keys.explain("shop", "https://evil.example")
    assert wrong_origin.code == "origin_not_allowed"
    assert "https://evil.example" in wrong_origin.message and "CREDITBOT_SITE_KEYS" in wrong_origin.message
    unknown = keys.explain("other", "https://shop.example")
    assert unknown.code == "unknown_key" and "CREDITBOT_SITE_KEYS='other=https://shop.example'" in unknown.message
    no_key = keys.explain(None, "https://shop.example")
    assert no_key.code == "key_required" and 'data-site-key="YOUR_KEY"' in no_key.message
    assert keys.explain("shop", "null").code == "opaque_origin"  # a page opened from file://
    assert keys.check("shop", "https://evil.example") == wrong_origin.message


def test_the_server_origin_always_keeps_a_working_demo_key():
    own = {"http://127.0.0.1:8000", "http://localhost:8000"}
    for spec in ("", "a=https://a.example", "demo=https://shop.example:internal"):
        keys = SiteKeys.from_settings(spec, own=own, cors_origins=[])
        assert keys.default_key() == "demo"
        assert keys.check("demo", "http://localhost:8000") is None
        assert keys.check("demo", "https://elsewhere.example") is not None
    configured = SiteKeys.from_settings("demo=https://shop.example:internal", own=own, cors_origins=[])
    assert configured.check("demo", "https://shop.example") is None and configured.is_internal("demo")
    assert not SiteKeys.from_settings("", own=own, cors_origins=[]).is_internal("demo")


def test_rate_limiter_refuses_past_the_limit_with_a_wait_per_key():
    limiter = RateLimiter(3, MemoryStorage(), "ip")
    assert [limiter.hit("ip") for _ in range(3)] == [0, 0, 0]
    assert 1 <= limiter.hit("ip") <= 60  # the first hit leaves the one-minute window within 60 s
    assert limiter.hit("other-ip") == 0
    assert RateLimiter(3, MemoryStorage(), "ip").hit("ip") == 0  # another process's memory counts apart


def test_internal_site_key_may_use_buyer_tools_and_public_key_may_not():
    from bot.config import Settings
    from bot.web.api import caller_for_web

    keys = SiteKeys.from_settings(
        "shop=https://a.example;staff=https://intranet.example:internal", own=set(), cors_origins=[]
    )
    assert keys.is_internal("staff") and not keys.is_internal("shop") and not keys.is_internal(None)
    settings = Settings(_env_file=None, site_keys="")
    assert caller_for_web(settings, "s1", "staff", internal=keys.is_internal("staff")).may_lookup_buyers
    assert not caller_for_web(settings, "s1", "shop", internal=keys.is_internal("shop")).may_lookup_buyers
