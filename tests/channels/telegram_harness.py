"""The real Telegram application (``run_polling``) against the Bot API stand-in, for the channel tests."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.channels.telegram import build_application
from bot.chat import ChatService
from bot.config import Settings
from tests import support
from tests.channels.telegram_standin import TOKEN, BotAPIStandIn

# PTB 22.x's own RetryAfter constructor reads its deprecated int ``retry_after``; not our code.
IGNORE_PTB_DEPRECATION = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
def standin() -> Iterator[BotAPIStandIn]:
    """The stand-in Bot API on a loopback port (its URL in ``base_url``)."""
    api = BotAPIStandIn()
    with support.serve_in_thread(api.app) as base:
        api.base_url = base
        yield api


@contextmanager
def running_bot(api: BotAPIStandIn, chat: ChatService, tmp_path: Path, **overrides: Any) -> Iterator[None]:
    """``creditbot telegram``'s application, run with ``run_polling`` against the stand-in in its own thread.

    Yields once the bot polls (the stand-in saw a getUpdates); stopped with ``stop_running`` on exit.
    ``overrides`` are further ``Settings`` fields.
    """
    settings = Settings(data_dir=tmp_path, telegram_token=TOKEN, telegram_api_url=api.base_url, **overrides)
    application = build_application(settings, chat)
    loop = asyncio.new_event_loop()
    failure: list[BaseException] = []

    def runner() -> None:
        asyncio.set_event_loop(loop)
        try:
            application.run_polling(poll_interval=0.0, timeout=1, stop_signals=None, close_loop=False,
                                    allowed_updates=Update.ALL_TYPES)
        except BaseException as e:  # surfaced in the test thread
            failure.append(e)

    thread = threading.Thread(target=runner, daemon=True)
    thread.start()
    api.wait_for(lambda a: bool(a.sent("getUpdates")) or bool(failure) or not thread.is_alive(), timeout=30)
    if failure:
        raise failure[0]
    try:
        yield
    finally:
        loop.call_soon_threadsafe(application.stop_running)
        thread.join(30)
        loop.close()
