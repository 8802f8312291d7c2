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


def test_check_keys_and_origins():
    keys = SiteKeys.from_settings("shop=https://shop.example", demo=False, own={"http://127.0.0.1:8000"},
                                  cors_origins=[])
    assert keys.check("shop", "https://shop.example") is None
    assert keys.check("shop", None) is None  # server-to-server use of a public key
    assert keys.check("shop", "https://evil.example") == "this site key is not allowed for this origin"
    assert keys.check("other", "https://shop.example") == "unknown site key"
    assert keys.check(None, "http://127.0.0.1:8000") is None
    assert keys.check(None, "https://shop.example") == "a site key is required for this origin"
    assert keys.default_key() == "shop"


def test_demo_key_exists_only_in_demo_mode_without_configured_keys():
    own = {"http://127.0.0.1:8000", "http://localhost:8000"}
    demo = SiteKeys.from_settings("", demo=True, own=own, cors_origins=[])
    assert demo.default_key() == "demo" and demo.check("demo", "http://localhost:8000") is None
    assert SiteKeys.from_settings("", demo=False, own=own, cors_origins=[]).keys == {}
    assert "demo" not in SiteKeys.from_settings("a=https://a.example", demo=True, own=own, cors_origins=[]).keys


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
        "shop=https://a.example;staff=https://intranet.example:internal", demo=False, own=set(), cors_origins=[]
    )
    assert keys.is_internal("staff") and not keys.is_internal("shop") and not keys.is_internal(None)
    settings = Settings(_env_file=None, site_keys="")
    assert caller_for_web(settings, "s1", "staff", internal=keys.is_internal("staff")).may_lookup_buyers
    assert not caller_for_web(settings, "s1", "shop", internal=keys.is_internal("shop")).may_lookup_buyers
