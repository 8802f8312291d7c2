"""The hand-off desk: conversations waiting for or held by a person, in the conversation store's database.

Every server worker (and the Telegram process) opens the same table, so a hand-off started on one worker
is seen by all at once. A row exists while a conversation is handed off; closing deletes it, which gives
the conversation back to the bot. ``address`` is the channel's raw reply address (Telegram chat id,
WeChat openid, WeCom user id), the one place a platform id is kept, and only while the hand-off is open:
an advisor's reply cannot reach the user without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, MetaData, Row, String, Table, Text, create_engine, delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.store import aware, storable
from bot.tables import create_tables

metadata = MetaData()

handoffs = Table(
    "handoffs",
    metadata,
    Column("session_id", String(64), primary_key=True),
    Column("channel", String(32), nullable=False),
    Column("user_hash", String(32), nullable=False),
    Column("address", String(128)),
    Column("last_message", Text, nullable=False),
    Column("since", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),
)


@dataclass(frozen=True)
class Handoff:
    """One conversation handed to a person."""

    session_id: str
    channel: str
    user_hash: str
    address: str | None
    last_message: str
    since: datetime


def _now() -> datetime:
    return datetime.now(UTC)


def _row(row: Row[Any]) -> Handoff:
    return Handoff(row.session_id, row.channel, row.user_hash, row.address, row.last_message, aware(row.since))


class HandoffDesk:
    """Open, look up, touch and close hand-offs (one row per handed-off session)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        create_tables(metadata, engine)

    @classmethod
    def from_url(cls, url: str) -> HandoffDesk:
        """A desk on its own engine over the conversation store at ``url``."""
        return cls(create_engine(url, pool_pre_ping=True, connect_args={"timeout": 30} if url.startswith("sqlite") else {}))

    def open(self, session_id: str, channel: str, user_hash: str, message: str) -> bool:
        """Hand the session to a person; True when it was not handed off already (advisors are notified)."""
        now = _now()
        try:
            with self.engine.begin() as conn:
                conn.execute(handoffs.insert().values(
                    session_id=session_id, channel=channel, user_hash=user_hash, last_message=storable(message),
                    since=now, updated_at=now))
        except IntegrityError:  # already open (or opened by another worker a moment ago)
            self.touch(session_id, message)
            return False
        return True

    def touch(self, session_id: str, message: str) -> bool:
        """Record the user's newest message; False when the session is not handed off."""
        with self.engine.begin() as conn:
            return conn.execute(update(handoffs).where(handoffs.c.session_id == session_id)
                                .values(last_message=storable(message), updated_at=_now())).rowcount == 1

    def set_address(self, session_id: str, address: str) -> None:
        """Remember where the channel delivers an advisor's reply for this session."""
        with self.engine.begin() as conn:
            conn.execute(update(handoffs).where(handoffs.c.session_id == session_id).values(address=address))

    def get(self, session_id: str) -> Handoff | None:
        """The open hand-off of a session, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(handoffs).where(handoffs.c.session_id == session_id)).first()
        return None if row is None else _row(row)

    def is_open(self, session_id: str) -> bool:
        """True while the session is handed to a person."""
        return self.get(session_id) is not None

    def waiting(self) -> list[Handoff]:
        """Every open hand-off, the longest waiting first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(handoffs).order_by(handoffs.c.since, handoffs.c.session_id)).all()
        return [_row(r) for r in rows]

    def close(self, session_id: str) -> bool:
        """Give the conversation back to the bot; False when it was not handed off."""
        with self.engine.begin() as conn:
            return conn.execute(delete(handoffs).where(handoffs.c.session_id == session_id)).rowcount == 1
