"""Pure parts of the Telegram channel: turning updates into questions, rendering replies, the webhook gate."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import httpx
import pytest
from telegram import Bot, Update

from bot.channels.telegram import LIMIT, bot_base_url, build_application, render, session_id_for, split_text, to_incoming
from bot.channels.telegram_webhook import webhook_app
from bot.config import Settings
from bot.messages import Reply, Source
from bot.store import ConversationStore
from tests.channels.conftest import ScriptedAssistant, make_chat, serve
from tests.channels.telegram_standin import BOT, TOKEN, BotAPIStandIn, text_update, user

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")


def _update(data: dict) -> Update:
    return Update.de_json({"update_id": 1, **data}, Bot(TOKEN))


def test_to_incoming_private_group_mention_and_reply(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    private = to_incoming(_update(text_update("  信用险保什么？ ")), settings, BOT["username"], BOT["id"])
    assert private is not None and private.text == "信用险保什么？"
    assert private.session_id == session_id_for(5550001) and "5550001" not in private.session_id
    assert private.caller.channel == "telegram" and private.caller.user_hash != "5550001"
    group = dict(chat_id=-1001, chat_type="supergroup")
    assert to_incoming(_update(text_update("今天开会吗", **group)), settings, BOT["username"], BOT["id"]) is None
    mentioned = to_incoming(_update(text_update("@Credit_Helper_Bot 坏账怎么处理？", **group)), settings,
                            BOT["username"], BOT["id"])
    assert mentioned is not None and mentioned.text == "坏账怎么处理？"
    replied = to_incoming(_update(text_update("那账龄呢？", reply_to={"message_id": 1, "date": 1, "from": BOT,
                                                                    "chat": {"id": -1001, "type": "supergroup"}},
                                              **group)), settings, BOT["username"], BOT["id"])
    assert replied is not None and replied.text == "那账龄呢？"
    other_reply = to_incoming(_update(text_update("同意", reply_to={"message_id": 1, "date": 1, "from": user(42),
                                                                  "chat": {"id": -1001, "type": "supergroup"}},
                                                  **group)), settings, BOT["username"], BOT["id"])
    assert other_reply is None


def test_split_text_keeps_escaped_chunks_under_the_limit() -> None:
    text = "应收账款<逾期>&坏账。" * 900 + "一" * 5000
    chunks = split_text(text)
    assert all(len(c) <= LIMIT for c in chunks)
    assert "".join(chunks).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text
    assert chunks[0].endswith("。")


def test_render_puts_citations_and_buttons_on_the_last_message() -> None:
    reply = Reply("DSO=应收账款÷赊销收入×天数。", sources=[Source("001", "DSO & 回款", "…", 0.7)] * 2, reply_id="r1")
    (text, markup), = render(reply)
    assert text.endswith("<b>来源</b>\n[1] DSO &amp; 回款")  # one entry per article, escaped
    assert [b.callback_data for b in markup.inline_keyboard[0]] == ["fb:1:r1", "fb:-1:r1"]
    assert len(markup.inline_keyboard) == 1


def test_bot_base_url_accepts_host_or_bot_prefix() -> None:
    assert bot_base_url("http://127.0.0.1:8081") == "http://127.0.0.1:8081/bot"
    assert bot_base_url("https://api.telegram.org/bot/") == "https://api.telegram.org/bot"


def test_webhook_rejects_a_wrong_secret_and_answers_a_signed_update(tmp_path: Path) -> None:
    api = BotAPIStandIn()
    assistant = ScriptedAssistant("信用保险可以转移买方不付款的风险。")
    with serve(api.app) as api_url:
        settings = Settings(data_dir=tmp_path, telegram_token=TOKEN, telegram_api_url=api_url)
        chat = make_chat(assistant, ConversationStore(f"sqlite:///{tmp_path / 'c.db'}"))
        application = build_application(settings, chat, webhook=True)
        loop = asyncio.new_event_loop()
        loop.run_until_complete(application.initialize())
        loop.run_until_complete(application.start())
        thread = threading.Thread(target=loop.run_forever, daemon=True)
        thread.start()
        try:
            # the webhook app must run on the application's loop: serve it from that loop's thread
            import uvicorn

            from tests.channels.conftest import _free_socket

            sock = _free_socket()
            server = uvicorn.Server(uvicorn.Config(webhook_app(application, "s3cret-Token_1", "/tg"), log_level="warning"))
            serving = asyncio.run_coroutine_threadsafe(server.serve(sockets=[sock]), loop)
            base = f"http://127.0.0.1:{sock.getsockname()[1]}"
            update = {"update_id": 77, **text_update("信用保险有什么用？")}
            for _ in range(200):
                if server.started:
                    break
                threading.Event().wait(0.02)
            forged = httpx.post(f"{base}/tg", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
            missing = httpx.post(f"{base}/tg", json=update)
            good = httpx.post(f"{base}/tg", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"})
            api.wait_for(lambda a: len(a.sent("sendMessage")) >= 1)
            server.should_exit = True
            serving.result(10)
            sock.close()
        finally:
            asyncio.run_coroutine_threadsafe(application.stop(), loop).result(10)
            asyncio.run_coroutine_threadsafe(application.shutdown(), loop).result(10)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
            loop.close()
    assert forged.status_code == 403 and missing.status_code == 403 and good.status_code == 200
    assert assistant.messages == ["信用保险有什么用？"]
    assert api.sent("sendMessage")[0]["text"].startswith("信用保险可以转移买方不付款的风险。")
