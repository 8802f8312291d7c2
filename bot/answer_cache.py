"""A cache of answers to opening questions, correct with sessions and shared across workers via Redis.

Only the first message of a session is looked up or stored: a follow-up ("那需要准备什么材料?") means
something else in every conversation, so it always reaches the assistant. What the assistant did to the
fresh session (its first turn and any state) is stored with the reply and replayed on a hit, so the next
message of that session finds exactly what it would have found without the cache. Replies that depend on
the moment or the caller are never stored: tool calls (live ledgers), ``clarify`` (a pending slot) and
``handoff``. The key holds the normalised question (Unicode NFKC, runs of spaces as one, trailing
punctuation dropped; the script is kept, since answers follow it), the caller's channel and buyer-tool
permission, and a *generation* that changes when the knowledge does (the index manifest's mtime, and
:meth:`AnswerCache.invalidate` for curated answers), so an edit is answered at once on every worker.

With ``CREDITBOT_REDIS_URL`` the entries live in Redis (``creditbot:answer:*``, with a TTL) and every
worker shares them; otherwise in a bounded in-process LRU. A Redis failure makes the cache miss, never
the reply fail.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import re
import threading
import time
import unicodedata
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bot.messages import Reply, Session, Source, ToolCall, Turn

logger = logging.getLogger(__name__)

_TRAILING = re.compile(r"[\s?？!！。.~～…]+$")
_SPACES = re.compile(r"\s+")
_CACHEABLE = ("answered", "no_answer")
_PREFIX = "creditbot:answer:"


def normalise_question(text: str) -> str:
    """The question as the cache compares it (see the module docstring)."""
    return _TRAILING.sub("", _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip())


CURATED_STAMP = "curated.stamp"


def _mtime(path: Path) -> str:
    try:
        return str(path.stat().st_mtime_ns)
    except OSError:
        return "none"


def mark_curated_changed(data_dir: Path) -> None:
    """Tell every worker's cache that curated answers changed (it reads the stamp's mtime per request)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / CURATED_STAMP).touch()


def manifest_generation(data_dir: Path) -> Callable[[], str]:
    """A generation function: the data dir, its index manifest's mtime (which changes with every ingest) and
    the curated answers' stamp (:func:`mark_curated_changed`).

    The data dir is part of it so two data dirs sharing one Redis still share nothing.
    """
    manifest = data_dir.resolve() / "index" / "manifest.json"
    stamp = data_dir.resolve() / CURATED_STAMP

    def generation() -> str:
        return f"{manifest}:{_mtime(manifest)}:{_mtime(stamp)}"

    return generation


class _LocalEntries:
    """A bounded LRU of JSON entries with a TTL, in this process."""

    def __init__(self, size: int, ttl_s: float) -> None:
        self.size, self.ttl_s = size, ttl_s
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()
        self.epoch = 0

    def get(self, key: str) -> str | None:
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] < time.monotonic():
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: str, value: str) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + self.ttl_s, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def bump(self) -> None:
        with self._lock:
            self._items.clear()
            self.epoch += 1

    def current_epoch(self) -> str:
        return str(self.epoch)


class _RedisEntries:
    """Entries in Redis with a TTL; the epoch is a shared counter, so an invalidation reaches every worker."""

    def __init__(self, url: str, ttl_s: float) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.ttl_s = ttl_s

    def get(self, key: str) -> str | None:
        value = self.client.get(_PREFIX + key)
        return value.decode("utf-8") if value is not None else None

    def put(self, key: str, value: str) -> None:
        self.client.set(_PREFIX + key, value, ex=max(1, int(self.ttl_s)))

    def bump(self) -> None:
        self.client.incr(_PREFIX + "epoch")

    def current_epoch(self) -> str:
        value = self.client.get(_PREFIX + "epoch")
        return value.decode("ascii") if value is not None else "0"


class AnswerCache:
    """Opening questions -> (reply, the session it leaves); see the module docstring.

    Args:
        size: Entries kept in process (without Redis).
        ttl_s: How long an entry lives.
        generation: Changes whenever the knowledge does (see :func:`manifest_generation`).
        redis_url: Share the entries across workers and hosts.
    """

    def __init__(self, *, size: int = 2048, ttl_s: float = 600.0, generation: Callable[[], str] = lambda: "",
                 redis_url: str | None = None) -> None:
        self._entries: _LocalEntries | _RedisEntries = (
            _RedisEntries(redis_url, ttl_s) if redis_url else _LocalEntries(size, ttl_s)
        )
        self._generation = generation
        self.hits = 0
        self.misses = 0

    def key_for(self, text: str, session: Session) -> str | None:
        """The cache key of this message in this session; None when it must not use the cache."""
        if session.turns or session.state:
            return None
        try:
            epoch = self._entries.current_epoch()
        except Exception:  # noqa: BLE001 - a cache outage is a miss
            logger.warning("answer cache unavailable", exc_info=True)
            return None
        caller = session.caller
        raw = "\x1f".join([self._generation(), epoch, caller.channel, str(caller.may_lookup_buyers),
                           normalise_question(text)])
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def get(self, key: str | None, session: Session) -> Reply | None:
        """The cached reply (with a new reply id), replaying its turn into ``session``; None on a miss."""
        if key is None:
            return None
        try:
            raw = self._entries.get(key)
        except Exception:  # noqa: BLE001
            logger.warning("answer cache read failed", exc_info=True)
            raw = None
        if raw is None:
            self.misses += 1
            return None
        self.hits += 1
        entry = json.loads(raw)
        session.turns.extend(Turn(**t) for t in entry["turns"])
        session.state.update(entry["state"])
        data = entry["reply"]
        return Reply(answer=data["answer"], status=data["status"], sources=[Source(**s) for s in data["sources"]],
                     tool_calls=[ToolCall(**t) for t in data["tool_calls"]], reply_id=uuid.uuid4().hex)

    def put(self, key: str | None, reply: Reply, session: Session) -> None:
        """Remember ``reply`` and what it did to the (fresh) session, unless it must not be reused."""
        if key is None or reply.status not in _CACHEABLE or reply.tool_calls:
            return
        data = reply.to_dict()
        entry = {
            "reply": {k: data[k] for k in ("answer", "status", "sources", "tool_calls")},
            "turns": [asdict(t) for t in session.turns],
            "state": copy.deepcopy(session.state),
        }
        try:
            self._entries.put(key, json.dumps(entry, ensure_ascii=False))
        except (TypeError, ValueError):
            logger.debug("an answer with unserialisable session state is not cached")
        except Exception:  # noqa: BLE001
            logger.warning("answer cache write failed", exc_info=True)

    def invalidate(self) -> None:
        """Forget every entry (on every worker when shared): call after curated answers or articles change."""
        self._entries.bump()

    def stats(self) -> dict[str, Any]:
        """Hits and misses of this process."""
        return {"hits": self.hits, "misses": self.misses}
