"""The WeChat / WeCom 5-second bookkeeping, shared by every server worker through the conversation store.

WeChat retries a message it got no reply for (same ``MsgId``), and any worker may receive the retry.
So the state lives in the conversation store's database, not in process memory:

* ``wechat_messages`` — one row per (channel, MsgId). The worker whose ``INSERT`` succeeds owns the
  message and computes its answer; a duplicate primary key means another worker (or request) already
  owns it, and the retry waits for the row to turn ``done`` (passive reply content stored) or
  ``deferred`` (``success`` went back; the answer goes out another way).
* ``wechat_user_pages`` — per hashed user: a finished answer nobody received yet (``held``) and the
  pages not yet shown after "更多" (``more``). Taken with a revision check so two workers never
  hand out the same page twice.

Rows older than a day are purged opportunistically. Only hashed user ids are stored.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.tables import create_tables

logger = logging.getLogger(__name__)

PENDING, DONE, DEFERRED = "pending", "done", "deferred"
HELD, MORE = "held", "more"
KEEP = timedelta(days=1)
_PURGE_EVERY_S = 600.0
_POP_ATTEMPTS = 5

metadata = MetaData()

wechat_messages = Table(
    "wechat_messages",
    metadata,
    Column("channel", String(16), primary_key=True),
    Column("msg_id", String(128), primary_key=True),
    Column("user_hash", String(32), nullable=False),
    Column("state", String(16), nullable=False),  # pending / done / deferred
    Column("content", Text),  # the passive reply, once done
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
)

wechat_user_pages = Table(
    "wechat_user_pages",
    metadata,
    Column("channel", String(16), primary_key=True),
    Column("user_hash", String(32), primary_key=True),
    Column("kind", String(8), primary_key=True),  # held / more
    Column("pages", Text, nullable=False),  # JSON list of strings
    Column("revision", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),
)


@dataclass(frozen=True)
class MessageState:
    """Where one ``MsgId`` stands: ``pending``, ``done`` (with the passive reply) or ``deferred``."""

    state: str
    content: str | None
    created_at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class WeChatState:
    """MsgId claims, held answers and "更多" pages in a SQL database shared by all workers.

    Every method is blocking (call it through ``asyncio.to_thread`` from a request handler).
    """

    def __init__(self, engine: Engine, *, keep: timedelta = KEEP) -> None:
        self.engine = engine
        self.keep = keep
        self._last_purge = 0.0
        create_tables(metadata, engine)

    # --- messages -----------------------------------------------------------------------------
    def claim(self, channel: str, msg_id: str, user_hash: str) -> bool:
        """Become the one worker answering ``msg_id``: True when the row was new, False for a retry."""
        self.maybe_purge()
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    wechat_messages.insert().values(
                        channel=channel, msg_id=msg_id, user_hash=user_hash, state=PENDING, created_at=_now()
                    )
                )
        except IntegrityError:
            return False
        return True

    def message(self, channel: str, msg_id: str) -> MessageState | None:
        """The state of a claimed message, or None when nobody claimed it (or it was purged)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(wechat_messages.c.state, wechat_messages.c.content, wechat_messages.c.created_at).where(
                    wechat_messages.c.channel == channel, wechat_messages.c.msg_id == msg_id
                )
            ).first()
        return None if row is None else MessageState(row.state, row.content, _aware(row.created_at))

    def finish(self, channel: str, msg_id: str, content: str) -> bool:
        """``pending`` -> ``done`` with the passive reply; False when a retry deferred it meanwhile."""
        return self._move(channel, msg_id, DONE, content)

    def defer(self, channel: str, msg_id: str) -> bool:
        """``pending`` -> ``deferred`` (``success`` went back); False when it was no longer pending."""
        return self._move(channel, msg_id, DEFERRED, None)

    def _move(self, channel: str, msg_id: str, state: str, content: str | None) -> bool:
        with self.engine.begin() as conn:
            return (
                conn.execute(
                    update(wechat_messages)
                    .where(
                        wechat_messages.c.channel == channel,
                        wechat_messages.c.msg_id == msg_id,
                        wechat_messages.c.state == PENDING,
                    )
                    .values(state=state, content=content)
                ).rowcount
                == 1
            )

    # --- per-user pages -----------------------------------------------------------------------
    def put_pages(self, channel: str, user_hash: str, kind: str, pages: list[str]) -> None:
        """Replace the user's ``held`` answer or ``more`` pages (an empty list removes them)."""
        key = (
            wechat_user_pages.c.channel == channel,
            wechat_user_pages.c.user_hash == user_hash,
            wechat_user_pages.c.kind == kind,
        )
        data = json.dumps(pages, ensure_ascii=False)
        for _ in range(_POP_ATTEMPTS):
            with self.engine.begin() as conn:
                if not pages:
                    conn.execute(delete(wechat_user_pages).where(*key))
                    return
                changed = conn.execute(
                    update(wechat_user_pages)
                    .where(*key)
                    .values(pages=data, revision=wechat_user_pages.c.revision + 1, updated_at=_now())
                ).rowcount
                if changed:
                    return
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        wechat_user_pages.insert().values(
                            channel=channel, user_hash=user_hash, kind=kind, pages=data, revision=0, updated_at=_now()
                        )
                    )
                return
            except IntegrityError:
                continue  # another worker inserted first: update its row

    def take_pages(
        self, channel: str, user_hash: str, kind: str, count: int | None = None
    ) -> tuple[list[str], int]:
        """Remove the first ``count`` pages (all when None): (those pages, how many are left).

        Two workers taking at once never get the same pages: the row changes only at the revision read.
        """
        key = (
            wechat_user_pages.c.channel == channel,
            wechat_user_pages.c.user_hash == user_hash,
            wechat_user_pages.c.kind == kind,
        )
        for _ in range(_POP_ATTEMPTS):
            with self.engine.begin() as conn:
                row = conn.execute(
                    select(wechat_user_pages.c.pages, wechat_user_pages.c.revision, wechat_user_pages.c.updated_at)
                    .where(*key)
                ).first()
                if row is None:
                    return [], 0
                pages: list[str] = json.loads(row.pages)
                if _now() - _aware(row.updated_at) > self.keep:
                    pages = []
                taken, rest = (pages, []) if count is None else (pages[:count], pages[count:])
                same = (*key, wechat_user_pages.c.revision == row.revision)
                if rest:
                    changed = conn.execute(
                        update(wechat_user_pages)
                        .where(*same)
                        .values(pages=json.dumps(rest, ensure_ascii=False), revision=row.revision + 1)
                    ).rowcount
                else:
                    changed = conn.execute(delete(wechat_user_pages).where(*same)).rowcount
                if changed == 1:
                    return taken, len(rest)
        logger.warning("could not take %s pages after %d attempts", kind, _POP_ATTEMPTS)
        return [], 0

    # --- housekeeping -------------------------------------------------------------------------
    def maybe_purge(self) -> None:
        """Purge old rows at most every ten minutes per process."""
        if time.monotonic() - self._last_purge < _PURGE_EVERY_S:
            return
        self._last_purge = time.monotonic()
        try:
            removed = self.purge()
        except Exception:  # housekeeping must never fail a message
            logger.exception("purging WeChat state failed")
            return
        if removed:
            logger.info("purged %d old WeChat state rows", removed)

    def purge(self) -> int:
        """Delete message rows and page rows older than ``keep``; returns how many."""
        cutoff = _now() - self.keep
        with self.engine.begin() as conn:
            removed = conn.execute(delete(wechat_messages).where(wechat_messages.c.created_at < cutoff)).rowcount
            removed += conn.execute(delete(wechat_user_pages).where(wechat_user_pages.c.updated_at < cutoff)).rowcount
        return removed
