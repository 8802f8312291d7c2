"""``creditbot chat`` in a real terminal (tmux): loading line at once, line editing, history, no log lines."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]
REPO = Path(__file__).resolve().parents[2]
# What must never appear in the conversation: log records and library progress bars.
NOISE = ("INFO", "WARNING", "DEBUG", "Loading weights", "it/s]", "Batches", "Traceback")


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True, timeout=30).stdout


class Pane:
    """One tmux session running a command; ``screen()`` is the whole scroll-back as text."""

    def __init__(self, name: str) -> None:
        self.name = name

    def keys(self, *keys: str) -> None:
        _tmux("send-keys", "-t", self.name, *keys)

    def screen(self) -> str:
        return _tmux("capture-pane", "-p", "-J", "-S", "-", "-t", self.name)

    def wait_until(self, check: Callable[[str], bool], timeout: float) -> str:
        """The screen once ``check`` accepts it (tmux has no output event: the pane is read every 0.2 s)."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if check(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; the screen was:\n{screen}")
            time.sleep(0.2)


@pytest.fixture
def chat_pane(kb_data_dir: Path, tmp_path: Path) -> Iterator[Pane]:
    """``python -m bot.cli chat`` in a 120×40 tmux session over the session's knowledge base."""
    name = f"creditbot-chat-{uuid.uuid4().hex[:8]}"
    env = {
        "PYTHONPATH": str(REPO),
        "CREDITBOT_DATA_DIR": str(kb_data_dir),
        "CREDITBOT_STORE_URL": f"sqlite:///{tmp_path / 'conversations.sqlite3'}",
        "CREDITBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'service.sqlite3'}",
        "CREDITBOT_SERVICE_URL": "http://127.0.0.1:9",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TERM": "xterm-256color",
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "PATH": os.environ.get("PATH", ""),
    }
    command = f"{sys.executable} -m bot.cli chat; tmux wait-for -S {name}-done"
    _tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", "-c", str(tmp_path),
          "env", "-i", *(f"{k}={v}" for k, v in env.items()), "bash", "-c", command)
    _tmux("set-option", "-t", name, "remain-on-exit", "on")
    try:
        yield Pane(name)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True, timeout=30)


def test_chat_in_a_terminal_edits_lines_keeps_history_and_shows_no_logs(chat_pane: Pane) -> None:
    started = time.monotonic()
    chat_pane.wait_until(lambda s: "正在加载" in s and "您>" in s, timeout=30)
    loading_after_s = time.monotonic() - started
    # typed while the model is still loading: a typo, Backspace, three steps left, an insertion, End
    chat_pane.keys("账期怎么定X", "BSpace", "Left", "Left", "Left", "一般", "End", "？", "Enter")
    screen = chat_pane.wait_until(lambda s: "来源" in s or "知识库未覆盖" in s, timeout=240)
    assert "您> 账期一般怎么定？" in screen
    chat_pane.keys("Up")
    chat_pane.wait_until(lambda s: s.rstrip().endswith("您> 账期一般怎么定？"), timeout=10)
    chat_pane.keys("C-u", "/quit", "Enter")
    _tmux("wait-for", f"{chat_pane.name}-done")
    transcript = chat_pane.screen()
    assert loading_after_s < 30
    assert not [noise for noise in NOISE if noise in transcript], transcript
    assert "^[[" not in transcript  # arrow keys edited the line instead of being inserted
