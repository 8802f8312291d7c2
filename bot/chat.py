"""The one entry every channel calls: load the session, ``answer()``, save, log.

Channels translate their platform's message into an :class:`~bot.messages.Incoming`, call
:meth:`ChatService.handle` (or :meth:`ChatService.stream`), and render the :class:`~bot.messages.Reply`.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Protocol

from bot.answer_cache import AnswerCache, manifest_generation
from bot.config import Settings
from bot.messages import Incoming, Reply, Session, split_pieces
from bot.pipeline.knowledge import open_knowledge_base
from bot.store import ConversationStore
from knowledge.errors import InvalidMessage

__all__ = [  # split_pieces and open_knowledge_base are re-exported for the channels and entry points
    "APOLOGY", "Answerer", "ChatService", "build_chat_service", "clean_message", "open_knowledge_base", "paginate",
    "split_pieces",
]
logger = logging.getLogger(__name__)

APOLOGY = "抱歉，系统暂时出了点问题，请稍后再试；如需帮助可以联系人工客服。"


def _same(text: str) -> str:
    return text


def paginate(
    text: str, limit: int, *, measure: Callable[[str], int] = len, transform: Callable[[str], str] = _same
) -> list[str]:
    """Pages of ``text`` for channels with a message size limit, cut at sentence ends.

    Args:
        text: the answer text.
        limit: the most a page may measure.
        measure: how a channel counts size (characters for Telegram, UTF-8 bytes for WeChat).
        transform: what the channel does to text before sending (e.g. HTML escaping), applied to
            each page and counted in its size.

    A sentence longer than a page is cut by characters.
    """

    def size(piece: str) -> int:
        return measure(transform(piece))

    pages: list[str] = []
    current = ""
    for piece in split_pieces(text):
        while size(piece) > limit:
            low, high = 1, len(piece)  # the longest head of the sentence that fits
            while low < high:
                mid = (low + high + 1) // 2
                low, high = (mid, high) if size(piece[:mid]) <= limit else (low, mid - 1)
            pages.extend([current, piece[:low]])
            current, piece = "", piece[low:]
        if size(current + piece) > limit:
            pages.append(current)
            current = ""
        current += piece
    pages.append(current)
    return [transform(page).strip() for page in pages if page.strip()]


class Answerer(Protocol):
    """What :class:`ChatService` needs of the assistant core."""

    def answer(self, message: str, session: Session) -> Reply:
        """Answer one message within a session (appending the turn to it)."""
        ...

    def stream(self, message: str, session: Session) -> Iterator[str | Reply]:
        """Yield text pieces as they are ready, then the final :class:`Reply`."""
        ...


def clean_message(text: object, max_chars: int) -> str:
    """The user's text, stripped; :class:`InvalidMessage` when empty, too long or not text."""
    if not isinstance(text, str):
        raise InvalidMessage("message must be text")
    text = text.replace("\x00", "").strip()
    if not text:
        raise InvalidMessage("message is empty")
    if len(text) > max_chars:
        # the person reads this too: say it in Chinese first, then for the API client in English
        raise InvalidMessage(f"消息太长（{len(text)} 字，最多 {max_chars} 字），请精简后只发您的问题。"
                             f"message is too long ({len(text)} characters; at most {max_chars})")
    return text


class ChatService:
    """Sessions, the core ``answer()``, the conversation log, and a fixed apology on failure."""

    def __init__(self, assistant: Answerer, store: ConversationStore, *, max_message_chars: int = 2000,
                 cache: AnswerCache | None = None) -> None:
        self.assistant = assistant
        self.store = store
        self.max_message_chars = max_message_chars
        self.cache = cache

    def _session(self, incoming: Incoming) -> Session:
        return self.store.load_session(incoming.session_id or uuid.uuid4().hex, incoming.caller)

    def _finish(self, text: str, reply: Reply, session: Session, started: float) -> Reply:
        reply.session_id = session.id
        self.store.record_exchange(session, text, reply, (time.perf_counter() - started) * 1000)
        logger.info("reply %s status=%s user=%s", reply.reply_id, reply.status, session.caller.user_hash)
        return reply

    def handle(self, incoming: Incoming) -> Reply:
        """Answer one message. Raises :class:`InvalidMessage` for bad input; never for a failing core."""
        text = clean_message(incoming.text, self.max_message_chars)
        started = time.perf_counter()
        session = self._session(incoming)
        key = self.cache.key_for(text, session) if self.cache else None
        try:
            reply = self.cache.get(key, session) if self.cache else None
            if reply is None:
                reply = self.assistant.answer(text, session)
                if self.cache:
                    self.cache.put(key, reply, session)
        except Exception:
            logger.exception("answer() failed for session of user %s", session.caller.user_hash)
            reply = Reply(answer=APOLOGY, status="no_answer")
        return self._finish(text, reply, session, started)

    def stream(self, incoming: Incoming) -> Iterator[str | Reply]:
        """Like :meth:`handle`, yielding text pieces first and the final :class:`Reply` last."""
        text = clean_message(incoming.text, self.max_message_chars)
        started = time.perf_counter()
        session = self._session(incoming)
        key = self.cache.key_for(text, session) if self.cache else None
        reply: Reply | None = self.cache.get(key, session) if self.cache else None
        if reply is not None:
            yield from split_pieces(reply.answer)
            yield self._finish(text, reply, session, started)
            return
        try:
            for item in self.assistant.stream(text, session):
                if isinstance(item, Reply):
                    reply = item
                else:
                    yield item
        except Exception:
            logger.exception("answer() failed while streaming for user %s", session.caller.user_hash)
        if reply is None:
            reply = Reply(answer=APOLOGY, status="no_answer")
            yield APOLOGY
        elif self.cache:
            self.cache.put(key, reply, session)
        yield self._finish(text, reply, session, started)

    def feedback(self, reply_id: str, rating: int, comment: str = "") -> bool:
        """Record 👍/👎 on a reply; False when the reply id is unknown."""
        return self.store.add_feedback(reply_id, 1 if rating > 0 else -1, comment)

    def reset(self, session_id: str) -> None:
        """Forget a session (``/reset``)."""
        self.store.reset_session(session_id)


def build_chat_service(settings: Settings) -> ChatService:
    """Wire the knowledge base, tools, assistant and store from the settings."""
    from bot.admin.store import AdminStore
    from bot.assistant import build_assistant  # heavy imports stay out of module import time

    store = ConversationStore(
        settings.conversation_store_url,
        max_turns=settings.session_turns,
        idle=timedelta(minutes=settings.session_idle_minutes),
    )
    assistant = build_assistant(settings, open_knowledge_base(settings), curated=AdminStore(store.engine))
    cache = None
    if settings.answer_cache_size > 0 and not settings.llm_enabled:  # a model's answer (or its fallback) is per ask
        cache = AnswerCache(size=settings.answer_cache_size, ttl_s=settings.answer_cache_ttl_s,
                            generation=manifest_generation(settings.data_dir), redis_url=settings.redis_url)
    return ChatService(assistant, store, max_message_chars=settings.max_message_chars, cache=cache)
