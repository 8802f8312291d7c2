"""Several server workers open the conversation store at the same moment (what `creditbot serve` with workers does)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


def test_workers_creating_the_store_at_once_all_succeed(tmp_path):
    url = f"sqlite:///{tmp_path / 'conversations.sqlite3'}"
    code = f"from bot.store import ConversationStore; ConversationStore({url!r}); print('ok')"
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(8)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [out.strip() for out, _ in results] == ["ok"] * 8, [err[-500:] for _, err in results if err]
