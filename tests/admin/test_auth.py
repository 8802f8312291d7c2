"""Console accounts: bcrypt hashes, password rules, the create-user command, the curated match."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.admin.accounts import create_user, read_password
from bot.admin.auth import hash_password, verify_password
from bot.admin.store import AdminStore
from bot.config import Settings
from bot.pipeline.curated import best_match
from bot.store import ConversationStore

ROOT = Path(__file__).resolve().parents[2]


def test_a_password_is_stored_as_a_bcrypt_hash_and_checked() -> None:
    stored = hash_password("长城永久牌自行车2026")
    assert stored.startswith("$2b$") and "长城" not in stored
    assert verify_password("长城永久牌自行车2026", stored)
    assert not verify_password("长城永久牌自行车2025", stored)
    assert not verify_password("anything at all", None)


@pytest.mark.parametrize("password", ["short", "x" * 73])
def test_too_short_or_too_long_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValueError, match="password"):
        hash_password(password)


def test_create_user_stores_the_role_and_a_second_call_resets_the_password(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)
    create_user(settings, "bob", "advisor", "first password")
    create_user(settings, "bob", "admin", "second password")
    store = AdminStore(ConversationStore(settings.conversation_store_url).engine)
    user = store.user("bob")
    assert user["role"] == "admin" and verify_password("second password", user["password_hash"])
    assert store.count_users() == 1
    with pytest.raises(ValueError, match="role"):
        create_user(settings, "carol", "root", "a good password")
    with pytest.raises(ValueError, match="user name"):
        create_user(settings, "bad name!", "admin", "a good password")


def test_the_command_reads_the_password_from_stdin(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "admin", "create-user", "dora", "--role", "advisor", "--password-stdin"],
        input="stdin password 1\n", capture_output=True, text=True, cwd=tmp_path, timeout=120,
        env={"PYTHONPATH": str(ROOT), "CREDITBOT_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    store = AdminStore(ConversationStore(f"sqlite:///{(tmp_path / 'conversations.sqlite3').resolve()}").engine)
    assert verify_password("stdin password 1", store.user("dora")["password_hash"])
    assert read_password(True, io.StringIO("pw with spaces  \n")) == "pw with spaces  "


def test_the_closest_curated_question_wins() -> None:
    pairs = [{"id": 1}, {"id": 2}]
    vectors = [np.array([1.0, 0.0]), np.array([0.6, 0.8])]
    pair, score = best_match(np.array([0.0, 1.0]), pairs, vectors)
    assert pair["id"] == 2 and score == pytest.approx(0.8)
    assert best_match(np.array([1.0, 0.0]), [], []) is None
