"""The answer cache: opening questions only, the session replayed, live replies never reused, shared via Redis."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from bot.answer_cache import AnswerCache, manifest_generation, normalise_question
from bot.chat import ChatService
from bot.messages import Caller, Incoming, Reply, Session, Source, ToolCall, Turn
from bot.store import ConversationStore
from tests.support import SentenceStreaming, redis_url


class CountingAssistant(SentenceStreaming):
    """Answers with the message and the turn number; counts its calls; a tool question calls a tool."""

    def __init__(self) -> None:
        self.calls = 0

    def answer(self, message: str, session: Session) -> Reply:
        self.calls += 1
        status = "clarify" if "多少" in message else "answered"
        reply = Reply(answer=f"{message}（第{len(session.turns) + 1}轮）", status=status,
                      sources=[Source("003_x", "理赔", "理赔时效", 0.8)])
        if "买家" in message:
            reply.tool_calls.append(ToolCall("buyer_lookup", {"query": message}, {"grade": 3}))
        session.turns.append(Turn(message, reply.answer, reply.status, topic=message))
        session.state["last_topic"] = message
        return reply


@pytest.fixture
def service(tmp_path: Path) -> tuple[ChatService, CountingAssistant]:
    assistant = CountingAssistant()
    store = ConversationStore(f"sqlite:///{tmp_path / 'conv.sqlite3'}")
    return ChatService(assistant, store, cache=AnswerCache(size=8)), assistant


def test_normalised_forms_share_an_entry_but_scripts_do_not() -> None:
    assert normalise_question("理赔要多久？ ") == normalise_question("理赔要多久") == "理赔要多久"
    assert normalise_question("ＤＳＯ  怎么算?") == "DSO 怎么算"
    assert normalise_question("理賠要多久") != normalise_question("理赔要多久")


def test_an_opening_question_is_answered_once_and_replayed_into_the_new_session(service) -> None:
    chat, assistant = service
    first = chat.handle(Incoming("理赔要多久？", "a"))
    second = chat.handle(Incoming("理赔要多久", "b"))
    assert assistant.calls == 1
    assert second.answer == first.answer and second.sources == first.sources
    assert second.reply_id != first.reply_id and second.session_id == "b"
    follow = chat.handle(Incoming("那需要准备什么材料？", "b"))  # the replayed turn is in session b
    assert follow.answer.endswith("（第2轮）") and assistant.calls == 2
    assert chat.store.load_session("b", Caller()).state == {"last_topic": "那需要准备什么材料？"}


def test_follow_ups_are_never_served_from_the_cache(service) -> None:
    chat, assistant = service
    chat.handle(Incoming("理赔要多久", "a"))
    chat.handle(Incoming("那需要准备什么材料？", "a"))
    chat.handle(Incoming("信用保险是什么", "b"))
    reply = chat.handle(Incoming("那需要准备什么材料？", "b"))
    assert assistant.calls == 4 and reply.answer.endswith("（第2轮）")


def test_tool_replies_clarifications_and_other_callers_are_not_shared(service) -> None:
    chat, assistant = service
    for session in ("a", "b"):
        chat.handle(Incoming("查一下买家华为", session))
        chat.handle(Incoming("应收500万DSO多少", session + "2"))
    assert assistant.calls == 4
    chat.handle(Incoming("理赔要多久", "c", Caller(channel="web")))
    chat.handle(Incoming("理赔要多久", "d", Caller(channel="web", may_lookup_buyers=True)))
    assert assistant.calls == 6


def test_streamed_hits_yield_the_answer_then_the_reply(service) -> None:
    chat, assistant = service
    chat.handle(Incoming("理赔要多久。理赔有时效", "a"))
    items = list(chat.stream(Incoming("理赔要多久。理赔有时效", "b")))
    assert assistant.calls == 1 and isinstance(items[-1], Reply)
    assert "".join(i for i in items[:-1] if isinstance(i, str)) == items[-1].answer


def test_a_new_index_generation_or_an_invalidation_misses(tmp_path: Path) -> None:
    manifest = tmp_path / "index" / "manifest.json"
    manifest.parent.mkdir()
    manifest.write_text("{}")
    cache = AnswerCache(generation=manifest_generation(tmp_path))
    session = Session("s")
    key = cache.key_for("理赔要多久", session)
    cache.put(key, Reply("三十天"), Session("s", turns=[Turn("理赔要多久", "三十天", "answered")]))
    assert cache.get(cache.key_for("理赔要多久", Session("t")), Session("t")) is not None
    manifest.write_text('{"docs": {}}')
    os.utime(manifest, ns=(1, 1))
    assert cache.key_for("理赔要多久", session) != key
    cache.invalidate()
    assert cache.get(key, Session("u")) is None


def test_workers_share_entries_and_invalidations_through_redis() -> None:
    url = redis_url()
    generation = uuid.uuid4().hex
    one = AnswerCache(redis_url=url, generation=lambda: generation)
    two = AnswerCache(redis_url=url, generation=lambda: generation)
    key = one.key_for("理赔要多久", Session("s"))
    one.put(key, Reply("三十天", sources=[Source("003_x", "理赔", "理赔时效", 0.8)]),
            Session("s", turns=[Turn("理赔要多久", "三十天", "answered")]))
    session = Session("t")
    hit = two.get(two.key_for("理赔要多久", session), session)
    assert hit is not None and hit.answer == "三十天" and hit.sources[0].doc_id == "003_x"
    assert [t.question for t in session.turns] == ["理赔要多久"]
    two.invalidate()
    assert one.get(one.key_for("理赔要多久", Session("u")), Session("u")) is None


def test_redis_outage_is_a_miss_not_a_failure() -> None:
    cache = AnswerCache(redis_url="redis://127.0.0.1:1/0")
    assert cache.key_for("理赔要多久", Session("s")) is None
    assert cache.get(None, Session("s")) is None
