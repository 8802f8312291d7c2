"""What the chat server's routes share: settings, the chat service once ready, keys, limiters, metrics."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from bot.chat import ChatService
from bot.config import Settings
from bot.web.limits import RateLimiter
from bot.web.metrics import Metrics
from bot.web.sitekeys import SiteKeys


@dataclass
class WebState:
    """Per-app state, kept in ``app.state.web``."""

    settings: Settings
    site_keys: SiteKeys
    ip_limiter: RateLimiter
    site_limiter: RateLimiter
    metrics: Metrics = field(default_factory=Metrics)
    chat: ChatService | None = None
    ready: bool = False
    error: str | None = None
    stopping: threading.Event = field(default_factory=threading.Event)
    _live_count: tuple[float, int] = (0.0, 0)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def live_sessions(self, max_age_s: float = 5.0) -> int:
        """The number of live sessions, counted at most every ``max_age_s`` seconds (it is a table scan)."""
        assert self.chat is not None
        now = time.monotonic()
        with self._lock:
            at, count = self._live_count
            if now - at > max_age_s:
                at, count = now, self.chat.store.count_active_sessions()
            else:
                count += 1  # this request may add one; over-counting only refuses a little early
            self._live_count = (at, count)
            return count
