"""The conversation store's retention: session messages last as long as their session (real SQLite)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from bot.messages import Caller, Reply, Session
from bot.store import ConversationStore, session_messages, sessions


def talk(store: ConversationStore, session_id: str) -> None:
    """One stored exchange: the session is saved and two messages are written."""
    session = Session(id=session_id, caller=Caller("web", "visitor"))
    store.record_exchange(session, "出口到越南要注意什么", Reply("先看买方的资信。", session_id=session_id), 5.0)


def age(store: ConversationStore, session_id: str, *, messages: bool, session: bool) -> None:
    """Date a session's messages and/or its last use three hours back."""
    then = datetime.now(UTC) - timedelta(hours=3)
    with store.engine.begin() as conn:
        if messages:
            conn.execute(update(session_messages).where(session_messages.c.session_id == session_id).values(at=then))
        if session:
            conn.execute(update(sessions).where(sessions.c.id == session_id).values(updated_at=then))


def test_messages_of_an_expired_session_are_purged_with_it(tmp_path: Path) -> None:
    store = ConversationStore(f"sqlite:///{tmp_path / 'c.sqlite3'}", idle=timedelta(hours=2))
    for sid in ("over", "still-talking", "just-reset"):
        talk(store, sid)
    age(store, "over", messages=True, session=True)
    age(store, "still-talking", messages=True, session=False)  # old messages, but the session is in use
    store.reset_session("just-reset")  # its messages are recent: they stay until they are old

    assert store.purge_expired() == 1

    assert store.messages_after("over") == []
    assert [m["role"] for m in store.messages_after("still-talking")] == ["user", "bot"]
    assert len(store.messages_after("just-reset")) == 2


def test_advisor_messages_without_a_session_go_once_older_than_the_window(tmp_path: Path) -> None:
    store = ConversationStore(f"sqlite:///{tmp_path / 'c.sqlite3'}", idle=timedelta(hours=2))
    store.add_message("handed-over", "advisor", "我是客户经理，稍后给您回电。")
    store.purge_expired()
    assert len(store.messages_after("handed-over")) == 1
    age(store, "handed-over", messages=True, session=False)
    store.purge_expired()
    assert store.messages_after("handed-over") == []


def test_a_conversation_still_with_a_person_keeps_its_messages_however_long_the_user_is_silent(tmp_path: Path) -> None:
    store = ConversationStore(f"sqlite:///{tmp_path / 'c.sqlite3'}", idle=timedelta(hours=2))
    for sid in ("with-advisor", "forgotten"):
        talk(store, sid)
        age(store, sid, messages=True, session=True)
    assert store.purge_expired(keep=["with-advisor"]) == 2
    assert len(store.messages_after("with-advisor")) == 2
    assert store.messages_after("forgotten") == []


def test_a_session_is_live_with_its_owner_until_it_expires(tmp_path: Path) -> None:
    store = ConversationStore(f"sqlite:///{tmp_path / 'c.sqlite3'}", idle=timedelta(hours=2))
    talk(store, "web:a")
    assert store.live_session_owner("web:a") == (True, "web")
    assert store.live_session_owner("web:never-seen") == (False, None)
    age(store, "web:a", messages=False, session=True)
    assert store.live_session_owner("web:a") == (False, None)
    assert store.load_session("web:a", Caller("web", "visitor")).turns == []


def test_a_reply_is_stored_as_session_log_and_messages(tmp_path: Path) -> None:
    store = ConversationStore(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    talk(store, "web:b")
    talk(store, "web:b")
    assert [m["role"] for m in store.messages_after("web:b")] == ["user", "bot", "user", "bot"]
    assert [r["question"] for r in store.recent_log()] == ["出口到越南要注意什么"] * 2
    assert store.session_owner("web:b") == "web"
