"""Several server workers open the stores at the same moment (what `creditbot serve` with workers does).

Every store that creates its own tables (conversations, hand-offs, the console's users, WeChat's state)
shares one database file; each worker runs all four at start-up, so two of them can see a table missing
and both issue ``CREATE TABLE``.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration

OPEN_EVERY_STORE = """
import sys
from sqlalchemy import create_engine
from bot.admin.store import AdminStore
from bot.channels.wechat_state import WeChatState
from bot.handoff.desk import HandoffDesk
from bot.store import ConversationStore

url = sys.argv[1]
store = ConversationStore(url)
HandoffDesk(store.engine)
AdminStore(create_engine(url, connect_args={"timeout": 30}))
WeChatState(create_engine(url, connect_args={"timeout": 30}))
print("ok")
"""


def test_workers_creating_every_store_at_once_all_succeed(tmp_path):
    url = f"sqlite:///{tmp_path / 'conversations.sqlite3'}"
    procs = [subprocess.Popen([sys.executable, "-c", OPEN_EVERY_STORE, url], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(8)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [out.strip() for out, _ in results] == ["ok"] * 8, [err[-500:] for _, err in results if err]
