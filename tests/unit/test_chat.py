"""ChatService and ConversationStore: sessions, logging, feedback, bad input, a failing core."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.chat import APOLOGY, ChatService, clean_message, paginate, split_pieces
from bot.messages import Caller, Incoming, Reply, Session, Turn, hash_user
from bot.store import ConversationStore
from knowledge.errors import InvalidMessage
from tests.support import SentenceStreaming


class EchoAssistant(SentenceStreaming):
    """Answers with the message and how many turns it already saw."""

    def answer(self, message: str, session: Session) -> Reply:
        reply = Reply(answer=f"{message}（第{len(session.turns) + 1}轮）")
        session.turns.append(Turn(message, reply.answer, reply.status, topic=message))
        return reply


class BrokenAssistant:
    def answer(self, message: str, session: Session) -> Reply:
        raise RuntimeError("index exploded")

    def stream(self, message: str, session: Session) -> Iterator[str | Reply]:
        yield "半句"
        raise RuntimeError("index exploded")


@pytest.fixture
def store(tmp_path: Path) -> ConversationStore:
    return ConversationStore(f"sqlite:///{tmp_path / 'conv.sqlite3'}")


def test_session_carries_turns_across_service_instances(store: ConversationStore, tmp_path: Path) -> None:
    first = ChatService(EchoAssistant(), store).handle(Incoming("理赔要多久", "s1"))
    assert first.session_id == "s1"
    reopened = ConversationStore(f"sqlite:///{tmp_path / 'conv.sqlite3'}")
    second = ChatService(EchoAssistant(), reopened).handle(Incoming("那需要准备什么材料？", "s1"))
    assert second.answer.endswith("（第2轮）")


def test_new_session_id_when_none_given(store: ConversationStore) -> None:
    reply = ChatService(EchoAssistant(), store).handle(Incoming("你好"))
    assert len(reply.session_id) == 32


def test_idle_session_expires(tmp_path: Path) -> None:
    store = ConversationStore(f"sqlite:///{tmp_path / 'c.sqlite3'}", idle=timedelta(seconds=-1))
    service = ChatService(EchoAssistant(), store)
    service.handle(Incoming("第一句", "s"))
    assert service.handle(Incoming("第二句", "s")).answer.endswith("（第1轮）")


def test_session_keeps_only_last_turns(tmp_path: Path) -> None:
    store = ConversationStore(f"sqlite:///{tmp_path / 'c.sqlite3'}", max_turns=2)
    service = ChatService(EchoAssistant(), store)
    for text in ("一", "二", "三", "四"):
        service.handle(Incoming(text, "s"))
    assert [t.question for t in store.load_session("s", Caller()).turns] == ["三", "四"]


def test_reset_forgets_session(store: ConversationStore) -> None:
    service = ChatService(EchoAssistant(), store)
    service.handle(Incoming("一", "s"))
    service.reset("s")
    assert service.handle(Incoming("二", "s")).answer.endswith("（第1轮）")


@pytest.mark.parametrize("text", ["", "   \n", None, 42, "长" * 2001])
def test_bad_messages_are_refused(store: ConversationStore, text: object) -> None:
    with pytest.raises(InvalidMessage):
        ChatService(EchoAssistant(), store).handle(Incoming(text, "s"))  # type: ignore[arg-type]
    assert store.recent_log() == []


def test_clean_message_strips_nul_and_space() -> None:
    assert clean_message("  客户\x00破产了能赔吗 \n", 100) == "客户破产了能赔吗"


def test_failing_core_gets_fixed_apology_and_is_logged(store: ConversationStore) -> None:
    reply = ChatService(BrokenAssistant(), store).handle(Incoming("理赔要多久", "s"))
    assert (reply.answer, reply.status) == (APOLOGY, "no_answer")
    assert store.recent_log()[0]["status"] == "no_answer"


def test_stream_yields_pieces_then_reply(store: ConversationStore) -> None:
    items = list(ChatService(EchoAssistant(), store).stream(Incoming("理赔要多久？需要什么材料。", "s")))
    *pieces, reply = items
    assert isinstance(reply, Reply)
    assert "".join(pieces) == reply.answer
    assert len(pieces) >= 2


def test_stream_failure_ends_with_apology(store: ConversationStore) -> None:
    items = list(ChatService(BrokenAssistant(), store).stream(Incoming("理赔要多久", "s")))
    assert items[-1].answer == APOLOGY
    assert APOLOGY in items[:-1]


def test_log_and_feedback_use_hashed_user(store: ConversationStore) -> None:
    caller = Caller(channel="telegram", user_hash=hash_user("telegram", "123456"))
    reply = ChatService(EchoAssistant(), store).handle(Incoming("理赔要多久", "s", caller))
    row = store.recent_log()[0]
    assert row["user_hash"] == caller.user_hash and "123456" not in str(row)
    service = ChatService(EchoAssistant(), store)
    assert service.feedback(reply.reply_id, -1, "没回答到点子上")
    assert not service.feedback("unknown-reply", 1)
    assert store.all_feedback()[0]["rating"] == -1


def test_split_pieces_round_trips() -> None:
    text = "第一句。第二句！third? 无结尾"
    assert "".join(split_pieces(text)) == text
    assert len(split_pieces(text)) == 4


def test_paginate_cuts_at_sentence_ends_under_the_limit() -> None:
    text = "应收账款逾期后应立即催收。" * 10 + "坏账风险上升！"
    pages = paginate(text, 40)
    assert all(len(p) <= 40 for p in pages)
    assert "".join(pages) == text
    assert all(p.endswith(("。", "！")) for p in pages)


def test_paginate_counts_bytes_and_transformed_text() -> None:
    text = "买方<破产>&拖欠。" * 30
    pages = paginate(text, 100, measure=lambda s: len(s.encode()), transform=lambda s: s.replace("<", "&lt;"))
    assert all(len(p.encode()) <= 100 for p in pages)
    assert "<" not in "".join(pages)


def test_paginate_cuts_one_overlong_sentence_by_characters() -> None:
    pages = paginate("长" * 25, 10)
    assert [len(p) for p in pages] == [10, 10, 5]
