"""The console's tables in the conversation store's database: users, login sessions, audit log,
curated answers, console settings and the review queue's done marks.

They share the engine of :class:`bot.store.ConversationStore` (SQLite or PostgreSQL), so several chat
workers see one set of curated answers and one audit log.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.store import aware, storable
from bot.tables import create_tables

metadata = MetaData()

users = Table(
    "admin_users",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(128), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

login_sessions = Table(
    "admin_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user", String(64), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

audit = Table(
    "admin_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("user", String(64), nullable=False),
    Column("action", String(48), nullable=False),
    Column("target", Text),
)

curated = Table(
    "curated_answers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("refuse", Boolean, nullable=False, default=False),
    Column("hits", Integer, nullable=False, default=0),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

console_settings = Table(
    "admin_settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

review_done = Table(
    "review_done",
    metadata,
    Column("reply_id", String(32), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("user", String(64), nullable=False),
)

ROLES = ("admin", "advisor")
DEFAULT_THRESHOLD = 0.93  # e5 cosine of two questions: paraphrases ~0.93+, related-but-other ~0.88-0.92


def _now() -> datetime:
    return datetime.now(UTC)


def token_hash(token: str) -> str:
    """What is stored of a session token (a stolen database holds no usable cookie)."""
    return hashlib.sha256(token.encode()).hexdigest()


class AdminStore:
    """Users, login sessions, audit, curated answers, settings and review marks on one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        create_tables(metadata, engine)

    # --- users and login sessions ---------------------------------------------------------
    def add_user(self, name: str, role: str, password_hash: str) -> None:
        """Create or replace a user (a second create-user resets the password and role)."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}")
        with self.engine.begin() as conn:
            conn.execute(delete(users).where(users.c.name == name))
            conn.execute(users.insert().values(name=name, role=role, password_hash=password_hash, created_at=_now()))

    def user(self, name: str) -> dict[str, Any] | None:
        """The user row, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.name == name)).mappings().first()
        return dict(row) if row else None

    def count_users(self) -> int:
        """How many console users exist."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(users)).scalar_one()

    def open_session(self, token: str, user: str, csrf: str, lifetime: timedelta) -> None:
        """Store a login session under the hash of its cookie token."""
        with self.engine.begin() as conn:
            conn.execute(delete(login_sessions).where(login_sessions.c.expires_at < _now()))
            conn.execute(login_sessions.insert().values(
                token_hash=token_hash(token), user=user, csrf=csrf, expires_at=_now() + lifetime))

    def session(self, token: str) -> dict[str, Any] | None:
        """``{user, role, csrf}`` of a live login session, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(login_sessions.c.user, login_sessions.c.csrf, login_sessions.c.expires_at, users.c.role)
                .join(users, users.c.name == login_sessions.c.user)
                .where(login_sessions.c.token_hash == token_hash(token))
            ).first()
        if row is None or aware(row.expires_at) < _now():
            return None
        return {"user": row.user, "role": row.role, "csrf": row.csrf}

    def close_session(self, token: str) -> None:
        """Log out."""
        with self.engine.begin() as conn:
            conn.execute(delete(login_sessions).where(login_sessions.c.token_hash == token_hash(token)))

    # --- audit ----------------------------------------------------------------------------
    def record(self, user: str, action: str, target: str = "") -> None:
        """Log who changed what."""
        with self.engine.begin() as conn:
            conn.execute(audit.insert().values(at=_now(), user=user, action=action, target=storable(target)[:500]))

    def audit_log(self, limit: int = 200) -> list[dict[str, Any]]:
        """The newest audit rows first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(audit).order_by(audit.c.id.desc()).limit(limit)).mappings()
            return [{**dict(r), "at": aware(r["at"]).isoformat()} for r in rows]

    # --- curated answers ------------------------------------------------------------------
    def add_answer(self, question: str, answer: str, refuse: bool = False) -> dict[str, Any]:
        """Store a curated pair; returns it with its id."""
        values = {"question": storable(question), "answer": storable(answer), "refuse": refuse, "hits": 0,
                  "updated_at": _now()}
        with self.engine.begin() as conn:
            new_id = conn.execute(curated.insert().values(**values)).inserted_primary_key[0]
        return {"id": new_id, "question": values["question"], "answer": values["answer"], "refuse": refuse, "hits": 0}

    def update_answer(self, answer_id: int, **changes: Any) -> bool:
        """Change fields of a pair; False when it does not exist."""
        changes = {k: storable(v) if isinstance(v, str) else v for k, v in changes.items()}
        with self.engine.begin() as conn:
            done = conn.execute(update(curated).where(curated.c.id == answer_id).values(updated_at=_now(), **changes))
        return done.rowcount > 0

    def delete_answer(self, answer_id: int) -> bool:
        """Delete a pair; False when it does not exist."""
        with self.engine.begin() as conn:
            return conn.execute(delete(curated).where(curated.c.id == answer_id)).rowcount > 0

    def answers(self) -> list[dict[str, Any]]:
        """Every curated pair, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(curated).order_by(curated.c.id)).mappings()
            return [{**dict(r), "refuse": bool(r["refuse"]), "updated_at": aware(r["updated_at"]).isoformat()}
                    for r in rows]

    def count_hit(self, answer_id: int) -> None:
        """One more user question matched this pair."""
        with self.engine.begin() as conn:
            conn.execute(update(curated).where(curated.c.id == answer_id).values(hits=curated.c.hits + 1))

    # --- settings -------------------------------------------------------------------------
    def threshold(self) -> float:
        """The least cosine for a curated match (adjustable in the console)."""
        with self.engine.connect() as conn:
            value = conn.execute(select(console_settings.c.value).where(console_settings.c.key == "threshold")).scalar()
        return float(value) if value is not None else DEFAULT_THRESHOLD

    def set_threshold(self, value: float) -> None:
        """Store the curated-match threshold."""
        with self.engine.begin() as conn:
            conn.execute(delete(console_settings).where(console_settings.c.key == "threshold"))
            conn.execute(console_settings.insert().values(key="threshold", value=repr(float(value))))

    # --- review queue ---------------------------------------------------------------------
    def mark_done(self, reply_ids: list[str], user: str) -> None:
        """Take replies out of the review queue."""
        with self.engine.begin() as conn:
            for reply_id in reply_ids:
                try:
                    with conn.begin_nested():
                        conn.execute(review_done.insert().values(reply_id=reply_id, at=_now(), user=user))
                except IntegrityError:
                    continue  # already done

    def done_ids(self) -> set[str]:
        """Reply ids marked done."""
        with self.engine.connect() as conn:
            return set(conn.execute(select(review_done.c.reply_id)).scalars())
