"""Fixtures of the chat-server tests: a fake assistant and a real uvicorn server on a free loopback port."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.chat import ChatService
from bot.config import Settings
from bot.messages import Reply, Session, Source, Turn
from bot.store import ConversationStore
from tests import support
from tests.support import free_port

BANKRUPTCY_SOURCE = Source(
    doc_id="003_7a34e294a18c87e0",
    title="买方破产的理赔流程",
    snippet="买方被宣告破产后，被保险人应在规定期限内提交索赔申请及债权申报证明。",
    score=0.83,
)


class FakeAssistant(support.SentenceStreaming):
    """Answers by keyword, remembers turns, optionally slow: stands in for the assistant core."""

    piece_pause_s = 0.02

    def __init__(self, delay_s: float = 0.0, gate: threading.Event | None = None) -> None:
        self.delay_s = delay_s
        self.gate = gate
        self.calls = 0

    def answer(self, message: str, session: Session) -> Reply:
        """Answer one message and append the turn."""
        if self.gate is not None:
            self.gate.wait(30)
        self.calls += 1
        if self.delay_s:
            time.sleep(self.delay_s)
        turn_no = len(session.turns) + 1
        if "破产" in message:
            reply = Reply(f"第{turn_no}轮：买方破产属于商业风险，可以按保单理赔[1]。请先申报债权。", sources=[BANKRUPTCY_SOURCE])
        elif "材料" in message and session.turns:
            reply = Reply(f"第{turn_no}轮：关于“{session.turns[-1].question}”，需要准备债权申报证明和发票。")
        else:
            reply = Reply(f"第{turn_no}轮：抱歉，知识库里没有相关内容。", status="no_answer")
        session.turns.append(Turn(message, reply.answer, reply.status, message))
        return reply


@contextmanager
def serve_in_thread(app: Any, port: int, *, wait_ready: bool = True) -> Iterator[str]:
    """Run ``app`` on 127.0.0.1:port in a thread; with ``wait_ready``, until ``/healthz`` says ready. Yields the URL."""
    with support.serve_in_thread(app, port) as base:
        if wait_ready:
            support.wait_healthy(base)
        yield base


def web_settings(data_dir: Path, port: int, **overrides: Any) -> Settings:
    """Settings for a test server: its own data dir, the given port, no .env."""
    values: dict[str, Any] = {"data_dir": data_dir, "port": port, "demo": False, "log_level": "WARNING"}
    values.update(overrides)
    return Settings(_env_file=None, **values)


def fake_chat(settings: Settings, assistant: FakeAssistant | None = None) -> ChatService:
    """A ChatService over the fake assistant and the real SQL conversation store of the settings."""
    store = ConversationStore(
        settings.conversation_store_url,
        max_turns=settings.session_turns,
        idle=timedelta(minutes=settings.session_idle_minutes),
    )
    return ChatService(assistant or FakeAssistant(), store, max_message_chars=settings.max_message_chars)


@pytest.fixture
def start_server(tmp_path: Path) -> Callable[..., Any]:
    """``start_server(**settings_overrides) -> (base_url, settings, chat)``; servers stop after the test."""
    from bot.web.server import create_app

    stack: list[Any] = []

    def start(assistant: FakeAssistant | None = None, wait_ready: bool = True, **overrides: Any):
        port = free_port()
        settings = web_settings(overrides.pop("data_dir", tmp_path), port, **overrides)
        chat = fake_chat(settings, assistant)
        cm = serve_in_thread(create_app(settings, chat), port, wait_ready=wait_ready)
        base = cm.__enter__()
        stack.append(cm)
        return base, settings, chat

    yield start
    for cm in reversed(stack):
        cm.__exit__(None, None, None)
