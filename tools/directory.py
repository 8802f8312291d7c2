"""The credit service's buyer directory, kept for a short while: which buyers a chat message names.

The offline router asks :meth:`BuyerDirectory.find` about every message a buyer-data user sends, so the
directory is fetched at most once per ``ttl_s`` (a failed fetch too: a service that is down costs one
attempt per ``ttl_s``, not one per message) and matched locally (:mod:`tools.names`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from tools.client import CreditServiceClient
from tools.errors import ToolError
from tools.names import Hit, NameIndex

logger = logging.getLogger(__name__)


class BuyerDirectory:
    """The directory's names, refreshed every ``ttl_s`` seconds."""

    def __init__(
        self, client: CreditServiceClient, *, ttl_s: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.client = client
        self.ttl_s = ttl_s
        self.clock = clock
        self._index: NameIndex | None = None
        self._fetched = float("-inf")
        self._lock = threading.Lock()

    def index(self) -> NameIndex:
        """The current index (empty while the service cannot be reached).

        The first call loads it; later, the one caller that finds it stale reloads it while the others go
        on with the old one (a large directory takes a moment to index).
        """
        if self._index is not None and self.clock() - self._fetched < self.ttl_s:
            return self._index
        if self._index is not None and not self._lock.acquire(blocking=False):
            return self._index  # another thread is reloading it
        if self._index is None:
            self._lock.acquire()
        try:
            if self._index is None or self.clock() - self._fetched >= self.ttl_s:
                self._index = self._load()
                self._fetched = self.clock()
            return self._index
        finally:
            self._lock.release()

    def _load(self) -> NameIndex:
        try:
            names = self.client.directory()
        except ToolError as e:
            logger.warning("buyer directory unavailable: %s", e.__class__.__name__)
            return NameIndex([])
        logger.debug("buyer directory: %d names", len(names))
        return NameIndex((n.buyer_id, n.name, n.uscc) for n in names)

    def find(self, message: str) -> list[Hit]:
        """The buyers ``message`` may name, best first."""
        return self.index().find(message)
