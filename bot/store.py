"""The conversation store: sessions, the conversation log and feedback, in one SQL database.

SQLite in the data dir by default; any SQLAlchemy URL (PostgreSQL for several workers) otherwise.
Only keyed hashes of user ids are stored. A session belongs to the channel that started it: a caller of
another channel presenting its id gets :class:`ForeignSession`, never its turns. Within a channel the
session id itself belongs to the user: WeChat, WeCom and Telegram derive it on the server from the
authenticated user (or group chat, whose members share it), and a web session id is the web caller's own.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Collection
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from bot.messages import Caller, Reply, Session, Turn
from bot.tables import create_tables

logger = logging.getLogger(__name__)

metadata = MetaData()

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("data", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),
)

conversation_log = Table(
    "conversation_log",
    metadata,
    Column("reply_id", String(32), primary_key=True),
    Column("session_id", String(64), index=True),
    Column("channel", String(32)),
    Column("user_hash", String(32)),
    Column("question", Text),
    Column("answer", Text),
    Column("status", String(16), index=True),
    Column("sources", JSON),
    Column("tools", JSON),
    Column("latency_ms", Float),
    Column("created_at", DateTime(timezone=True), index=True),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reply_id", String(32), index=True),
    Column("rating", Integer),  # +1 / -1
    Column("comment", Text),
    Column("created_at", DateTime(timezone=True)),
)


session_messages = Table(
    "session_messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(64), nullable=False, index=True),
    Column("role", String(16), nullable=False),  # user / bot / advisor
    Column("text", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
MESSAGE_PAGE = 200

# The statements of every reply, built once: SQLAlchemy then finds their compiled form by the object
# (building one per call cost more CPU than running it); the values go in as parameters.
_SESSION_ROW = select(sessions.c.data, sessions.c.updated_at).where(sessions.c.id == bindparam("session_id"))
_LOG_INSERT = conversation_log.insert()
_MESSAGE_INSERT = session_messages.insert()


def _upsert(insert: Any) -> Any:
    """``INSERT ... ON CONFLICT DO UPDATE`` of a session row, for one dialect's ``insert``."""
    statement = insert(sessions)
    return statement.on_conflict_do_update(
        index_elements=[sessions.c.id],
        set_={"data": statement.excluded.data, "updated_at": statement.excluded.updated_at},
    )


class ForeignSession(PermissionError):
    """The session id belongs to another channel."""


def owner_of(caller: Caller) -> str:
    """The owner stored with a session: the caller's channel (see the module docstring for users)."""
    return caller.channel


def storable(text: str) -> str:
    """``text`` with unpaired surrogates (which no database encoding accepts) replaced by U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


def _sqlite_wal(dbapi_connection: Any, _record: Any) -> None:
    """Readers never wait for the writer (write-ahead log), and a commit does not wait for the disk.

    With WAL, ``synchronous=NORMAL`` still never corrupts the file; a power cut may lose the last
    commits, a process crash loses nothing. It takes the fsync (milliseconds) out of every reply.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _now() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """A stored time with its zone: SQLite hands back naive datetimes, and they were written as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class ConversationStore:
    """Sessions, conversation log and feedback behind one SQLAlchemy engine."""

    def __init__(self, url: str, *, max_turns: int = 6, idle: timedelta = timedelta(hours=2)) -> None:
        connect_args: dict[str, Any] = {}
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            connect_args["timeout"] = 30  # several server workers share the file: wait for the write lock
        self.engine: Engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_wal)
        self.max_turns = max_turns
        self.idle = idle
        self._session_upsert = _upsert(pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert)
        create_tables(metadata, self.engine)

    # --- sessions -----------------------------------------------------------------------------
    def load_session(self, session_id: str, caller: Caller) -> Session:
        """The stored session, or a fresh one when it is unknown or has been idle too long.

        Raises:
            ForeignSession: the live session was started on another channel.
        """
        row = self._live_row(session_id)
        if row is None:
            return Session(id=session_id, caller=caller)
        data = row.data
        if data.get("owner", owner_of(caller)) != owner_of(caller):
            raise ForeignSession(f"session {session_id} belongs to another channel")
        return Session(
            id=session_id,
            caller=caller,
            turns=[Turn(**t) for t in data.get("turns", [])],
            state=data.get("state", {}),
        )

    def save_session(self, session: Session) -> None:
        """Store the session with its last ``max_turns`` turns and its owner.

        One ``INSERT ... ON CONFLICT DO UPDATE``, so concurrent first messages of a new session never
        collide on the primary key.
        """
        with self.engine.begin() as conn:
            conn.execute(self._session_upsert, self._session_values(session))

    def _session_values(self, session: Session) -> dict[str, Any]:
        data = {
            "turns": [asdict(t) for t in session.turns[-self.max_turns :]],
            "state": session.state,
            "owner": owner_of(session.caller),
        }
        data = json.loads(storable(json.dumps(data, ensure_ascii=False)))
        return {"id": session.id, "data": data, "updated_at": _now()}

    def _live_row(self, session_id: str) -> Any:
        """The session's ``data`` and ``updated_at``; None when it is unknown or idle too long."""
        with self.engine.connect() as conn:
            row = conn.execute(_SESSION_ROW, {"session_id": session_id}).first()
        return None if row is None or _now() - aware(row.updated_at) > self.idle else row

    def record_exchange(self, session: Session, question: str, reply: Reply, latency_ms: float) -> None:
        """Save the session and log the exchange in one transaction (one commit per reply, not two)."""
        with self.engine.begin() as conn:
            conn.execute(self._session_upsert, self._session_values(session))
            self._write_log(conn, question, reply, session.caller, latency_ms)

    def session_owner(self, session_id: str) -> str | None:
        """The owner key of a live session (see :func:`owner_of`); None when unknown, expired or unowned."""
        row = self._live_row(session_id)
        return None if row is None else row.data.get("owner")

    def live_session_owner(self, session_id: str) -> tuple[bool, str | None]:
        """Whether the session is live, and its owner (one query for both of the web API's checks)."""
        row = self._live_row(session_id)
        return (False, None) if row is None else (True, row.data.get("owner"))

    def reset_session(self, session_id: str) -> None:
        """Forget a session's turns and pending state."""
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.id == session_id))

    def session_is_live(self, session_id: str) -> bool:
        """True when the session exists and was used within the idle window."""
        with self.engine.connect() as conn:
            row = conn.execute(select(sessions.c.updated_at).where(sessions.c.id == session_id)).first()
        return row is not None and _now() - aware(row.updated_at) <= self.idle

    def count_active_sessions(self) -> int:
        """Sessions used within the idle window."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(func.count()).select_from(sessions).where(sessions.c.updated_at > _now() - self.idle)
            ).scalar_one()

    def purge_expired(self, keep: Collection[str] = ()) -> int:
        """Delete sessions idle longer than the window, and the messages of conversations that are over;
        returns how many sessions.

        A message goes once it is older than the window and its session is no longer live (expired or
        reset), so a conversation's messages are kept exactly as long as its session is, or while its
        session id is in ``keep`` (a conversation still with a person, however long the user is silent).
        """
        cutoff = _now() - self.idle
        over = [session_messages.c.at < cutoff, session_messages.c.session_id.not_in(select(sessions.c.id))]
        if keep:
            over.append(session_messages.c.session_id.not_in(list(keep)))
        with self.engine.begin() as conn:
            purged = conn.execute(delete(sessions).where(sessions.c.updated_at < cutoff)).rowcount
            conn.execute(delete(session_messages).where(*over))
            return purged

    # --- log and feedback ---------------------------------------------------------------------
    def log_reply(self, question: str, reply: Reply, caller: Caller, latency_ms: float) -> None:
        """Append one exchange to the conversation log and the session's messages."""
        with self.engine.begin() as conn:
            self._write_log(conn, question, reply, caller, latency_ms)

    @staticmethod
    def _write_log(conn: Any, question: str, reply: Reply, caller: Caller, latency_ms: float) -> None:
        """The exchange in the conversation log, and as two messages of the conversation (the inbox and the
        session messages endpoint show those)."""
        conn.execute(_LOG_INSERT, {
            "reply_id": reply.reply_id,
            "session_id": reply.session_id,
            "channel": caller.channel,
            "user_hash": caller.user_hash,
            "question": storable(question),
            "answer": storable(reply.answer),
            "status": reply.status,
            "sources": [s.doc_id for s in reply.sources],
            "tools": [t.name for t in reply.tool_calls],
            "latency_ms": latency_ms,
            "created_at": _now(),
        })
        if reply.session_id:
            conn.execute(_MESSAGE_INSERT, [
                {"session_id": reply.session_id, "role": "user", "text": storable(question), "at": _now()},
                {"session_id": reply.session_id, "role": "bot", "text": storable(reply.answer), "at": _now()},
            ])

    def add_message(self, session_id: str, role: str, text: str) -> int:
        """Append one message (``user``, ``bot`` or ``advisor``) to a conversation; returns its id."""
        with self.engine.begin() as conn:
            result = conn.execute(
                session_messages.insert().values(session_id=session_id, role=role, text=storable(text), at=_now())
            )
            return int(result.inserted_primary_key[0])

    def messages_after(self, session_id: str, after: int = 0, limit: int = MESSAGE_PAGE) -> list[dict[str, Any]]:
        """The conversation's messages with an id above ``after``, oldest first: ``{id, role, text, at}``."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(session_messages.c.id, session_messages.c.role, session_messages.c.text, session_messages.c.at)
                .where(session_messages.c.session_id == session_id, session_messages.c.id > after)
                .order_by(session_messages.c.id)
                .limit(limit)
            ).mappings()
            return [{**r, "at": aware(r["at"]).isoformat()} for r in rows]

    def add_feedback(self, reply_id: str, rating: int, comment: str = "") -> bool:
        """Record 👍 (+1) or 👎 (-1) on a logged reply; False when the reply id is unknown."""
        with self.engine.begin() as conn:
            known = conn.execute(
                select(conversation_log.c.reply_id).where(conversation_log.c.reply_id == reply_id)
            ).first()
            if known is None:
                return False
            conn.execute(
                feedback.insert().values(
                    reply_id=reply_id, rating=rating, comment=storable(comment[:2000]), created_at=_now()
                )
            )
        return True

    def add_comment(self, reply_id: str, comment: str) -> bool:
        """Attach a comment to the newest feedback on a reply (asked for after 👎); False when it has none."""
        with self.engine.begin() as conn:
            row = conn.execute(
                select(feedback.c.id).where(feedback.c.reply_id == reply_id).order_by(feedback.c.id.desc()).limit(1)
            ).first()
            if row is None:
                return False
            conn.execute(feedback.update().where(feedback.c.id == row.id).values(comment=comment[:2000]))
        return True

    def recent_log(self, limit: int = 1000) -> list[dict[str, Any]]:
        """The newest log rows, newest first (for reports)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(conversation_log).order_by(conversation_log.c.created_at.desc()).limit(limit)
            ).mappings()
            return [dict(r) for r in rows]

    def all_feedback(self, limit: int = 1000) -> list[dict[str, Any]]:
        """Feedback rows joined with their question and answer, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    feedback.c.reply_id,
                    feedback.c.rating,
                    feedback.c.comment,
                    feedback.c.created_at,
                    conversation_log.c.question,
                    conversation_log.c.answer,
                )
                .join(conversation_log, conversation_log.c.reply_id == feedback.c.reply_id)
                .order_by(feedback.c.created_at.desc())
                .limit(limit)
            ).mappings()
            return [dict(r) for r in rows]

