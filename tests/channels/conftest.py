"""Fixtures of the channel tests: a scripted assistant, a real ChatService, loopback uvicorn servers."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from bot.chat import ChatService
from bot.messages import Reply, Session, Source, Turn
from bot.store import ConversationStore
from tests import support

CLAIM_SOURCE = Source(
    doc_id="003_claims",
    title="买方破产的理赔流程",
    snippet="买方被宣告破产后，被保险人应在规定期限内提交索赔申请及债权申报证明。",
    score=0.81,
)


class ScriptedAssistant(support.SentenceStreaming):
    """Stands in for the assistant core: a fixed reply (or one per keyword), optionally slow.

    Records every message it was asked, so tests can assert an answer was (not) computed.
    """

    def __init__(self, answer: str = "", *, sources: list[Source] | None = None, status: str = "answered",
                 delay_s: float = 0.0) -> None:
        self.answer_text = answer or "买方破产属于保单承保的商业风险。被保险人应在规定期限内提交索赔申请和债权申报证明。"
        self.sources = [CLAIM_SOURCE] if sources is None else sources
        self.status = status
        self.delay_s = delay_s
        self.messages: list[str] = []
        self.asked = threading.Event()  # set once a message has reached it (its worker has claimed the message)
        self._lock = threading.Lock()

    def answer(self, message: str, session: Session) -> Reply:
        """The scripted reply, after ``delay_s``."""
        with self._lock:
            self.messages.append(message)
        self.asked.set()
        if self.delay_s:
            time.sleep(self.delay_s)
        reply = Reply(self.answer_text, status=self.status, sources=list(self.sources))  # type: ignore[arg-type]
        session.turns.append(Turn(message, reply.answer, reply.status, message))
        return reply


@pytest.fixture
def store(tmp_path: Path) -> ConversationStore:
    """A real SQLite conversation store in a temp dir."""
    return ConversationStore(f"sqlite:///{tmp_path / 'conversations.sqlite3'}")


def make_chat(assistant: Any, store: ConversationStore) -> ChatService:
    """A real ChatService over the given assistant and store."""
    return ChatService(assistant, store, max_message_chars=2000)


def _free_socket() -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def serve(app: Any) -> AbstractContextManager[str]:
    """Run an ASGI app with uvicorn on a free loopback port in a thread; yields its base URL."""
    return support.serve_in_thread(app)
