"""Tell advisors about a new hand-off through ``CREDITBOT_HANDOFF_WEBHOOK``, without ever blocking the chat.

The payload is a WeCom group robot text message (``{"msgtype": "text", "text": {"content": ...}}``), which
DingTalk-style and generic JSON receivers accept too. Each notification is posted from a background
thread and retried with growing pauses on network errors, 5xx/429 answers and a non-zero ``errcode``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import httpx

from bot.handoff.desk import Handoff

logger = logging.getLogger(__name__)

ATTEMPTS = 4
FIRST_PAUSE_S = 0.5
TIMEOUT_S = 5.0


class WebhookNotifier:
    """Posts one message per new hand-off to a webhook URL, retried in a background thread."""

    def __init__(self, url: str, *, inbox_url: str | None = None, attempts: int = ATTEMPTS,
                 first_pause_s: float = FIRST_PAUSE_S, transport: httpx.BaseTransport | None = None) -> None:
        self.url = url
        self.inbox_url = inbox_url
        self.attempts = attempts
        self.first_pause_s = first_pause_s
        self._transport = transport
        self._stop = threading.Event()

    def text(self, handoff: Handoff) -> str:
        """The notification's text: channel and the user's message (user ids never leave the server)."""
        lines = [f"新的转人工请求（{handoff.channel}）", f"用户：{handoff.last_message[:200]}"]
        if self.inbox_url:
            lines.append(f"处理：{self.inbox_url}")
        return "\n".join(lines)

    def __call__(self, handoff: Handoff) -> threading.Thread:
        """Notify in the background; returns the thread (tests join it)."""
        thread = threading.Thread(target=self.send, args=(handoff,), name="creditbot-handoff-notify", daemon=True)
        thread.start()
        return thread

    def send(self, handoff: Handoff) -> bool:
        """Post with retries; True once the webhook accepted it."""
        payload = {"msgtype": "text", "text": {"content": self.text(handoff)}}
        pause = self.first_pause_s
        with httpx.Client(timeout=TIMEOUT_S, transport=self._transport) as client:
            for attempt in range(1, self.attempts + 1):
                if self._accepted(client, payload, attempt):
                    return True
                if attempt < self.attempts and self._stop.wait(pause):
                    break
                pause *= 2
        logger.error("hand-off notification not delivered after %d attempts", self.attempts)
        return False

    def _accepted(self, client: httpx.Client, payload: dict, attempt: int) -> bool:
        try:
            response = client.post(self.url, json=payload)
        except httpx.HTTPError as e:
            logger.warning("hand-off webhook attempt %d failed: %s", attempt, type(e).__name__)
            return False
        if response.status_code >= 300:
            logger.warning("hand-off webhook attempt %d answered %d", attempt, response.status_code)
            return False
        try:
            errcode = response.json().get("errcode", 0)
        except (ValueError, AttributeError):
            errcode = 0  # a receiver that answers 2xx without JSON accepted it
        if errcode:
            logger.warning("hand-off webhook attempt %d answered errcode %s", attempt, errcode)
        return not errcode

    def stop(self) -> None:
        """Stop waiting between retries (shutdown)."""
        self._stop.set()


Notify = Callable[[Handoff], object]
