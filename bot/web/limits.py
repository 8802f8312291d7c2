"""Request limits: moving-window rate limits (the ``limits`` library), shared through Redis when configured.

With ``CREDITBOT_REDIS_URL`` every worker and host counts in the same Redis, so N workers allow the
limit once, not N times; without it each process counts in its own memory. Two data dirs share nothing:
the Redis keys carry a namespace derived from the data dir.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from pathlib import Path

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

logger = logging.getLogger(__name__)


def open_storage(redis_url: str | None, data_dir: Path) -> Storage:
    """Redis storage (keys prefixed per data dir) when ``redis_url`` is set, else this process's memory."""
    if not redis_url:
        return MemoryStorage()
    namespace = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:12]
    return RedisStorage(redis_url, key_prefix=f"creditbot:{namespace}", socket_timeout=2, socket_connect_timeout=2)


class RateLimiter:
    """At most ``limit`` hits per minute per key, counted in ``storage``.

    When the storage fails (Redis down) requests are let through and a warning is logged: a broken
    limiter must not take the chat down with it.
    """

    def __init__(self, limit: int, storage: Storage, scope: str) -> None:
        self.item = RateLimitItemPerMinute(limit)
        self.scope = scope
        self._limiter = MovingWindowRateLimiter(storage)

    def hit(self, key: str) -> int:
        """Count one hit; returns 0 when allowed, else the seconds to wait (``Retry-After``)."""
        try:
            if self._limiter.hit(self.item, self.scope, key):
                return 0
            reset = self._limiter.get_window_stats(self.item, self.scope, key).reset_time
        except Exception as e:  # noqa: BLE001 - redis errors come in many classes
            logger.warning("rate limit storage failed (%s); letting the request through", type(e).__name__)
            return 0
        return max(1, math.ceil(reset - time.time()))
