"""Pure parts of the Telegram channel: turning updates into questions, rendering replies, the webhook gate."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import httpx
import pytest
from telegram import Bot, Update
from telegram.error import NetworkError, TimedOut

from bot.channels.telegram import (
    ACK_REPLY,
    LIMIT,
    SHORT_GREETING,
    THANKS_REPLY,
    bot_base_url,
    build_application,
    is_confidential,
    render,
    session_id_for,
    small_talk_reply,
    split_text,
    to_incoming,
)
from bot.channels.telegram_format import citations_html, markdown_to_html, source_label
from bot.channels.telegram_send import never_reached_telegram
from bot.channels.telegram_webhook import webhook_app
from bot.config import Settings
from bot.messages import Reply, Source, ToolCall
from bot.store import ConversationStore
from tests.channels.conftest import ScriptedAssistant, make_chat, serve
from tests.channels.telegram_standin import BOT, TOKEN, BotAPIStandIn, html_problem, message_update, text_update, user

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
    assert text.endswith("<b>来源</b>\n[1][2] DSO &amp; 回款")  # one line per article, escaped
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


def test_citations_keep_numbers_by_source_when_titles_repeat() -> None:
    sources = [Source("010_a", "信用限额管理", "…", 0.8), Source("011_b", "信用限额管理", "…", 0.7),
               Source("012_c", "理赔时效", "…", 0.6)]
    text = citations_html(Reply("限额要定期复核[1][2]，理赔有时限[3]。", sources=sources))
    assert text.splitlines()[1:] == ["[1] 信用限额管理", "[2] 信用限额管理", "[3] 理赔时效"]


def test_traditional_answer_gets_a_traditional_sources_block() -> None:
    reply = Reply("買方破產後應儘快提交索賠申請[1]。", sources=[Source("003_x", "买方破产的理赔流程", "…", 0.8)])
    text = citations_html(reply)
    assert text.startswith("<b>來源</b>\n[1] 買方破產的理賠流程")
    assert citations_html(Reply("破产后尽快索赔[1]。", sources=reply.sources)).startswith("<b>来源</b>")


def test_untitled_source_gets_a_readable_label_not_its_id() -> None:
    untitled = Source("007_9f8e7d6c5b4a3921", "007_9f8e7d6c5b4a3921", "出口前应核实买方的资信状况，并确认信用限额是否足够覆盖订单金额。", 0.5)
    label = source_label(untitled)
    assert "9f8e7d6c" not in label and label.startswith("“出口前应核实买方的资信状况") and label.endswith("…”")
    assert source_label(Source("008_x", "", "", 0.1)) == "未命名资料"


def test_llm_markdown_becomes_telegram_html() -> None:
    text = markdown_to_html("### 理赔材料\n- 索赔申请书\n- **债权**证明 `A<1>`\n> 以保单条款为准\n普通句子 a*b")
    assert text.splitlines() == [
        "<b>理赔材料</b>", "• 索赔申请书", "• <b>债权</b>证明 <code>A&lt;1&gt;</code>",
        "<blockquote>以保单条款为准</blockquote>", "普通句子 a*b",
    ]
    assert html_problem(text) is None


def test_confidential_means_a_buyer_tool_ran_on_a_buyer() -> None:
    card = Reply("鑫达：评级 3", tool_calls=[ToolCall("buyer_lookup", {"query": "鑫达"}, {"grade": 3})])
    asks = Reply("请问是哪一家买家？", tool_calls=[ToolCall("buyer_lookup", {}, {"missing": ["buyer"]})])
    calc = Reply("DSO 约 40 天", tool_calls=[ToolCall("calc_dso", {}, {"dso_days": 40})])
    assert is_confidential(card) and not is_confidential(asks) and not is_confidential(calc)


def test_small_talk_gets_short_replies_after_the_first_greeting() -> None:
    assert small_talk_reply("你好", greeted=False) is None  # the core's full introduction, once
    assert small_talk_reply("你好！", greeted=True) == SHORT_GREETING
    assert small_talk_reply("谢谢", greeted=False) == small_talk_reply("多谢！", greeted=True) == THANKS_REPLY
    assert small_talk_reply("謝謝", greeted=True) == "不客氣！還有問題隨時發給我。"
    assert small_talk_reply("好的", greeted=True) == ACK_REPLY
    assert small_talk_reply("信用保险保什么？", greeted=True) is None


def test_only_requests_that_never_reached_telegram_count_as_safe_to_resend() -> None:
    request = httpx.Request("POST", "http://127.0.0.1/bot/sendMessage")

    def chained(error: NetworkError, cause: Exception) -> NetworkError:
        error.__cause__ = cause
        return error

    assert never_reached_telegram(NetworkError("Bad Gateway"))  # Telegram answered 502: nothing was created
    assert never_reached_telegram(chained(NetworkError("httpx.ConnectError"), httpx.ConnectError("refused", request=request)))
    assert not never_reached_telegram(chained(TimedOut(), httpx.ReadTimeout("slow", request=request)))
    assert not never_reached_telegram(chained(NetworkError("x"), httpx.RemoteProtocolError("cut", request=request)))


def test_caption_is_the_question_and_a_bare_mention_is_empty(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    photo = {"photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}], "caption": "这张发票逾期了怎么办？"}
    incoming = to_incoming(_update(message_update(photo)), settings, BOT["username"], BOT["id"])
    assert incoming is not None and incoming.text == "这张发票逾期了怎么办？"
    bare = to_incoming(_update(text_update("@credit_helper_bot", chat_id=-1001, chat_type="supergroup")), settings,
                       BOT["username"], BOT["id"])
    assert bare is not None and bare.text == ""
    sticker = {"sticker": {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1, "is_animated": False,
                           "is_video": False, "type": "regular"}}
    assert to_incoming(_update(message_update(sticker)), settings, BOT["username"], BOT["id"]) is None
