"""Who may use the buyer tools."""

from __future__ import annotations

from bot.config import Settings
from bot.messages import hash_user
from bot.policy import allowed_callers, caller_for


def settings(**kw: object) -> Settings:
    return Settings(_env_file=None, **kw)


def test_listed_callers_may_others_not() -> None:
    s = settings(buyer_tool_callers="telegram:12345, wecom:zhangsan,cli:*")
    assert caller_for(s, "telegram", "12345").may_lookup_buyers
    assert not caller_for(s, "telegram", "999").may_lookup_buyers
    assert caller_for(s, "wecom", "zhangsan").may_lookup_buyers
    assert caller_for(s, "cli", "anyone").may_lookup_buyers
    assert not caller_for(s, "wechat", "zhangsan").may_lookup_buyers


def test_site_key_entries() -> None:
    s = settings(buyer_tool_callers="site:internal-key")
    assert caller_for(s, "site", "visitor-1", site_key="internal-key").may_lookup_buyers
    assert not caller_for(s, "site", "visitor-1", site_key="public-key").may_lookup_buyers


def test_demo_mode_allows_everyone_and_ids_are_hashed() -> None:
    caller = caller_for(settings(demo=True), "telegram", "12345")
    assert caller.may_lookup_buyers
    assert caller.user_hash == hash_user("telegram", "12345") and "12345" not in caller.user_hash


def test_only_the_local_terminal_user_by_default() -> None:
    assert caller_for(settings(), "cli", "me").may_lookup_buyers
    assert not any(caller_for(settings(), ch, "me").may_lookup_buyers for ch in ("api", "site", "telegram", "wecom"))
    assert not caller_for(settings(buyer_tool_callers=""), "cli", "me").may_lookup_buyers
    assert allowed_callers("garbage, :x, y:") == set()
