"""Bot API calls for the Telegram channel: flood control waited out, nothing ever sent twice.

A ``sendMessage`` whose request may have reached Telegram (a read or write timeout, a connection
dropped after the request went out) is never re-sent: Telegram has no way to ask whether it arrived,
and a blind retry is how users got the same answer two or three times. Only calls Telegram certainly
refused (429 flood control, a gateway error, a connection that never opened) are repeated.
Idempotent calls (edits, chat actions, callback answers) may be repeated after any network error.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

import httpx
from telegram import Bot, InlineKeyboardMarkup, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.warnings import PTBDeprecationWarning

logger = logging.getLogger(__name__)

T = TypeVar("T")

# PTB's own default is 5 s for reads and writes; Telegram sometimes takes longer to confirm a send,
# and a timed-out send cannot be retried safely, so wait well past that.
READ_TIMEOUT_S = 30.0
WRITE_TIMEOUT_S = 30.0
CONNECT_TIMEOUT_S = 10.0
POOL_TIMEOUT_S = 10.0
ATTEMPTS = 6  # four 429s in a row still leave two tries
WAIT_BUDGET_S = 90.0  # the most all flood-control and back-off waits of one call may add up to
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class SendFailed(Exception):
    """A call Telegram refused for good, or that may have arrived and must not be repeated."""

    def __init__(self, what: str, reason: str, *, maybe_delivered: bool = False, forbidden: bool = False) -> None:
        super().__init__(f"{what}: {reason}")
        self.maybe_delivered = maybe_delivered
        self.forbidden = forbidden  # the user blocked the bot or never started it: expected, not a fault


def retry_after_s(error: RetryAfter) -> float:
    """``retry_after`` in seconds, whether PTB hands out an int or (PTB_TIMEDELTA) a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)  # int -> timedelta transition in PTB 22.x
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def never_reached_telegram(error: NetworkError) -> bool:
    """True when the request certainly did not create anything at Telegram.

    PTB raises ``NetworkError`` without an httpx cause for an HTTP error status (Telegram answered:
    nothing was created), and chains the httpx exception for transport failures, of which only
    the connect and pool failures happen before the request is written.
    """
    cause = error.__cause__
    if isinstance(cause, httpx.HTTPError):
        return isinstance(cause, _NEVER_SENT)
    return not isinstance(error, TimedOut)


async def send(make_call: Callable[[], Awaitable[T]], what: str, *, idempotent: bool = False) -> T:
    """Run a Bot API call, waiting out flood control; raises :class:`SendFailed` when it never works.

    Args:
        make_call: makes a fresh request each time it is called.
        what: the method name, for the log.
        idempotent: the call may be repeated after an error that may have reached Telegram.
    """
    waited, attempt = 0.0, 0
    while True:
        attempt += 1
        try:
            return await make_call()
        except RetryAfter as e:
            wait, reason = retry_after_s(e), f"flood control ({e})"
        except (BadRequest, Forbidden) as e:  # BadRequest is a NetworkError subclass, but retrying won't help
            raise SendFailed(what, f"refused by Telegram: {e}", forbidden=isinstance(e, Forbidden)) from e
        except NetworkError as e:
            if not idempotent and not never_reached_telegram(e):
                raise SendFailed(what, f"{e!r} after the request went out; not re-sent", maybe_delivered=True) from e
            wait, reason = float(min(2 ** (attempt - 1), 8)), f"network error ({e})"
        if attempt == ATTEMPTS or waited + wait > WAIT_BUDGET_S:
            raise SendFailed(what, f"gave up after {attempt} attempts: {reason}")
        logger.info("%s: %s, attempt %d, retrying in %.1f s", what, reason, attempt, wait)
        waited += wait
        await asyncio.sleep(wait)


async def call_with_retry(make_call: Callable[[], Awaitable[T]], what: str, *, idempotent: bool = False) -> T | None:
    """Like :func:`send`, logging a final failure once (a warning) and returning None instead."""
    try:
        return await send(make_call, what, idempotent=idempotent)
    except SendFailed as e:
        logger.warning("%s", e)
        return None


async def send_pages(bot: Bot, chat_id: int, pages: list[tuple[str, InlineKeyboardMarkup | None]],
                     reply_to: ReplyParameters | None, *, failure_notice: str | None = None) -> bool:
    """Send HTML pages in order; False after a final failure, logged once (and ``failure_notice`` sent, once).

    A page that may have arrived is not repeated and counts as sent.
    """
    for text, markup in pages:
        try:
            await send(lambda text=text, markup=markup: bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup, reply_parameters=reply_to
            ), "sendMessage")
        except SendFailed as e:
            if e.maybe_delivered:
                logger.warning("%s", e)
                continue
            (logger.warning if e.forbidden else logger.error)("answer not delivered: %s", e)
            if failure_notice:
                try:
                    await bot.send_message(chat_id, failure_notice)
                except TelegramError as notice_error:
                    logger.debug("could not tell the user either: %s", notice_error)
            return False
    return True
