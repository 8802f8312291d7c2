"""Who may use the buyer tools."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

from bot.config import Settings
from bot.messages import hash_user
from bot.policy import SECRET_FILE, allowed_callers, caller_for, user_id_secret

SECRET = "unit-test-user-id-secret"


def settings(**kw: object) -> Settings:
    return Settings(_env_file=None, user_id_secret=SECRET, **kw)


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
    assert caller.user_hash == hash_user("telegram", "12345", SECRET.encode()) and "12345" not in caller.user_hash


def test_user_ids_are_keyed_hashes_nobody_can_compute_without_the_secret() -> None:
    """Audit item 1: stored ids were sha256('wecom:zhangsan')[:16], computable by anyone."""
    caller = caller_for(settings(), "wecom", "zhangsan")
    assert caller.user_hash != hashlib.sha256(b"wecom:zhangsan").hexdigest()[:16]
    other = caller_for(Settings(_env_file=None, user_id_secret="another-secret"), "wecom", "zhangsan")
    assert other.user_hash != caller.user_hash


def test_secret_is_generated_into_the_data_dir_once_and_kept(tmp_path: Path) -> None:
    first = caller_for(Settings(_env_file=None, data_dir=tmp_path), "wecom", "zhangsan")
    secret_file = tmp_path / SECRET_FILE
    assert secret_file.exists() and stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert len(secret_file.read_text().strip()) == 64
    assert user_id_secret(Settings(_env_file=None, data_dir=tmp_path)) == secret_file.read_text().strip().encode()
    assert caller_for(Settings(_env_file=None, data_dir=tmp_path), "wecom", "zhangsan").user_hash == first.user_hash
    elsewhere = caller_for(Settings(_env_file=None, data_dir=tmp_path / "other"), "wecom", "zhangsan")
    assert elsewhere.user_hash != first.user_hash  # two data dirs share nothing


def test_only_the_local_terminal_user_by_default() -> None:
    assert caller_for(settings(), "cli", "me").may_lookup_buyers
    assert not any(caller_for(settings(), ch, "me").may_lookup_buyers for ch in ("api", "site", "telegram", "wecom"))
    assert not caller_for(settings(buyer_tool_callers=""), "cli", "me").may_lookup_buyers
    assert allowed_callers("garbage, :x, y:") == set()
