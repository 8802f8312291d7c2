"""Telegram channel: ``creditbot telegram`` (long polling, or a webhook when one is configured).

Quirks that stay here: the 4096-character message limit (split at sentence ends), HTML (LLM Markdown
converted), drafts streamed in private chats (offline answers only: LLM text is shown once it has
passed the citation check), group chats answered only when the bot is mentioned or replied to,
buyer data never shown in a group (it goes to the asking user privately), edited messages ignored,
media answered by their caption or a request for text, and the command menu set at start.
Sending, formatting and the inline buttons live in ``telegram_send``, ``telegram_format`` and
``telegram_buttons``.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import secrets
import time
import unicodedata

from telegram import BotCommand, Chat, InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.constants import ChatAction, MessageLimit, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels import telegram_send
from bot.channels.telegram_buttons import answer_buttons, on_button, on_skip, record_comment
from bot.channels.telegram_format import citations_html, markdown_to_html
from bot.channels.telegram_handoff import remember_chat, session_id_for
from bot.channels.telegram_send import call_with_retry, send_pages
from bot.chat import ChatService, paginate
from bot.config import Settings
from bot.messages import Incoming, Reply, Session
from bot.policy import caller_for
from knowledge.errors import InvalidMessage
from knowledge.normalize import detect_script, to_simplified, to_user_script
from knowledge.scope import is_small_talk

logger = logging.getLogger(__name__)

LIMIT = MessageLimit.MAX_TEXT_LENGTH  # 4096
TYPING_EVERY_S = 4.0
DRAFT_EVERY_S = 0.7
EXAMPLES = ("信用保险一般保哪些风险？", "买方拖欠多久可以报损理赔？", "应收账款周转天数（DSO）怎么算？")
GREETING = "您好！我是贸易信用保险知识助手，可以直接用中文提问，例如：\n" + "\n".join(f"· {q}" for q in EXAMPLES)
HELP = (
    "直接发送问题即可；在群里请 @我 或回复我的消息。\n"
    "/score 买方名称 — 查询买方信用评分（群里查询时结果私信发给您）\n"
    "/dso — 如何计算应收账款周转天数（DSO）\n"
    "/reset — 清空本聊天的上下文\n"
    "每条回答下方可以点 👍/👎 反馈。"
)
DSO_HELP = (
    "DSO（应收账款周转天数）= 期末应收账款 ÷ 期间赊销收入 × 期间天数。\n"
    "发送 /dso 加上数字即可计算，例如：/dso 应收账款500万，赊销收入1200万，期间90天\n"
    "也可以问某个买方的 DSO，例如：某某公司的DSO是多少？"
)
COMMANDS = (
    ("start", "开始使用"), ("help", "使用说明"), ("score", "查询买方信用评分"),
    ("dso", "计算应收账款周转天数"), ("reset", "清空本聊天的上下文"),
)
ASK_FOR_QUESTION = "请在 @我 后面直接写上您的问题，例如：\n" + EXAMPLES[0]
TEXT_ONLY = "我只能读文字消息，请用文字发送您的问题（图片可以配上文字说明）。"
TOO_LONG = "消息太长了，请用不超过 {limit} 个字重新描述您的问题。"
THANKS_REPLY = "不客气！还有问题随时发给我。"
BYE_REPLY = "再见！有问题随时找我。"
SHORT_GREETING = "您好！请直接发送您的问题。"
CONFIDENTIAL_SENT = "查询结果涉及买方的保密信息，已私信发给您。"
CONFIDENTIAL_REFUSED = "查询结果涉及买方的保密信息，不能在群里显示。请先私聊我（点我的头像，发送 /start），再在私聊中查询。"
SEND_FAILED = "抱歉，回答没能发送出去，请稍后再问一次。"
ACK_REPLY = "好的，还有问题随时发给我。"
_THANKS = re.compile(r"谢|感谢|thank", re.IGNORECASE)
_BYE = re.compile(r"再见|拜拜|bye", re.IGNORECASE)
_ACK = re.compile(r"^(好的?|ok|okay|嗯|哦|收到|明白)", re.IGNORECASE)


def addressed_text(message: Message, bot_username: str, bot_id: int | None = None) -> str | None:
    """The text (or caption) of a message meant for the bot, its @mention removed; None when not for us.

    Private chats are always for the bot; in groups a message must mention it or reply to it.
    """
    text = message.text or message.caption or ""
    if message.chat.type == Chat.PRIVATE:
        return text
    mention = f"@{bot_username}".lower()
    original = message.reply_to_message.from_user if message.reply_to_message else None
    replied = original is not None and (
        original.id == bot_id or (original.username or "").lower() == bot_username.lower()
    )
    start = text.lower().find(mention)
    if start < 0:
        return text if replied else None
    return text[:start] + text[start + len(mention) :]


def to_incoming(update: Update, settings: Settings, bot_username: str, bot_id: int | None = None) -> Incoming | None:
    """The question in an update, or None (no text or caption; a group message not meant for the bot).

    A bare mention gives an Incoming with empty text, so the bot can ask for the question.
    """
    message = update.effective_message
    if message is None or not (message.text or message.caption):
        return None
    text = addressed_text(message, bot_username, bot_id)
    if text is None:
        return None
    raw_user = str(message.from_user.id) if message.from_user else str(message.chat.id)
    caller = caller_for(settings, "telegram", raw_user)
    return Incoming(text=text.strip(), session_id=session_id_for(message.chat.id), caller=caller)


def split_text(text: str, limit: int = LIMIT) -> list[str]:
    """Telegram-HTML chunks of ``text`` (Markdown converted), each at most ``limit`` characters."""
    return paginate(text, limit, transform=markdown_to_html)


def render(reply: Reply) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """Messages (HTML text, buttons) for a reply: answer chunks, sources, 👍/👎 (and 联系人工) on the last."""
    citations = citations_html(reply)
    chunks = split_text(reply.answer, LIMIT) or ["…"]
    if citations:
        if len(chunks[-1]) + 2 + len(citations) <= LIMIT:
            chunks[-1] += "\n\n" + citations
        else:
            chunks.append(citations[:LIMIT])
    return [(c, None) for c in chunks[:-1]] + [(chunks[-1], answer_buttons(reply))]


def is_confidential(reply: Reply) -> bool:
    """True when the reply shows a buyer's record or ledger (a buyer tool ran on a named buyer)."""
    return any(call.name.startswith("buyer_") and "missing" not in call.result for call in reply.tool_calls)


def small_talk_reply(text: str, greeted: bool) -> str | None:
    """A short reply to thanks, goodbyes, and greetings after the first; None when the core should answer."""
    plain = to_simplified(unicodedata.normalize("NFKC", text)).strip()
    if not plain or not is_small_talk(plain):
        return None
    script = detect_script(text)
    if _THANKS.search(plain):
        return to_user_script(THANKS_REPLY, script)
    if _BYE.search(plain):
        return to_user_script(BYE_REPLY, script)
    if greeted and _ACK.match(plain):
        return to_user_script(ACK_REPLY, script)
    return to_user_script(SHORT_GREETING, script) if greeted else None


async def _keep_typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    while True:
        try:
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as e:
            logger.debug("typing action failed: %s", e)
        await asyncio.sleep(TYPING_EVERY_S)


_END = object()


async def _stream_with_drafts(context: ContextTypes.DEFAULT_TYPE, chat_id: int, incoming: Incoming) -> Reply:
    """Stream the answer into a message draft (private chats), returning the final reply.

    With the LLM layer on, the stream carries model tokens that have not passed the citation check
    yet, so no draft is shown: the final message holds only checked text.
    """
    chat: ChatService = context.bot_data["chat"]
    pieces = chat.stream(incoming)
    draft_id = secrets.randbelow(2**31 - 1) + 1
    shown, last = "", 0.0
    drafts = not context.bot_data["settings"].llm_enabled
    reply: Reply | None = None
    while (item := await asyncio.to_thread(next, pieces, _END)) is not _END:
        if isinstance(item, Reply):
            reply = item
            continue
        shown += str(item)
        if drafts and time.monotonic() - last >= DRAFT_EVERY_S:
            last = time.monotonic()
            try:
                await context.bot.send_message_draft(chat_id, draft_id, text=html.escape(shown[-LIMIT + 1 :], quote=False), parse_mode=ParseMode.HTML)
            except TelegramError as e:  # older Bot API servers, flood control: the final message still goes out
                logger.debug("drafts off for this answer: %s", e)
                drafts = False
    assert reply is not None  # ChatService.stream always ends with the Reply
    return reply


async def _deliver(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    """Send a reply to its chat; in a group, buyer data goes to the asking user privately instead."""
    message = update.effective_message
    private = message.chat.type == Chat.PRIVATE
    reply_to = None if private else ReplyParameters(message.message_id, allow_sending_without_reply=True)
    if private or not is_confidential(reply):
        await send_pages(context.bot, message.chat_id, render(reply), reply_to, failure_notice=SEND_FAILED)
        return
    user = message.from_user
    sent = user is not None and await send_pages(context.bot, user.id, render(reply), None)
    notice = CONFIDENTIAL_SENT if sent else CONFIDENTIAL_REFUSED
    await send_pages(context.bot, message.chat_id, [(html.escape(notice, quote=False), None)], reply_to)


async def answer_message(update: Update, context: ContextTypes.DEFAULT_TYPE, incoming: Incoming) -> None:
    """Answer one question, one at a time per chat (the session is read and written per answer)."""
    locks: dict[int, asyncio.Lock] = context.bot_data.setdefault("chat_locks", {})
    async with locks.setdefault(update.effective_message.chat_id, asyncio.Lock()):
        await _answer(update, context, incoming)


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, incoming: Incoming) -> None:
    """Typing action, the core in a thread (drafts in private chats), then the rendered reply."""
    chat: ChatService = context.bot_data["chat"]
    message = update.effective_message
    typing = asyncio.create_task(_keep_typing(context, message.chat_id))
    try:
        if message.chat.type == Chat.PRIVATE:
            reply = await _stream_with_drafts(context, message.chat_id, incoming)
        else:
            reply = await asyncio.to_thread(chat.handle, incoming)
    except InvalidMessage:
        text = TOO_LONG.format(limit=chat.max_message_chars)
        await call_with_retry(lambda: message.reply_text(text), "sendMessage")
        return
    finally:
        typing.cancel()
    context.chat_data["greeted"] = True
    await remember_chat(context, reply, message.chat_id)
    await _deliver(update, context, reply)


async def _reply(update: Update, text: str) -> None:
    message = update.effective_message
    await call_with_retry(lambda: message.reply_text(text, do_quote=message.chat.type != Chat.PRIVATE), "sendMessage")


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text message (or a captioned photo): answered in private chats, and in groups when addressed.

    A bare mention gets a prompt for the question, thanks and repeated greetings a short reply, and
    the sender's first message after a 👎 is recorded as its comment.
    """
    incoming = to_incoming(update, context.bot_data["settings"], context.bot.username, context.bot.id)
    if incoming is None:
        return
    if await record_comment(update, context, incoming.text):
        return
    if not incoming.text:
        await _reply(update, ASK_FOR_QUESTION)
        return
    short = small_talk_reply(incoming.text, bool(context.chat_data.get("greeted")))
    if short is not None:
        await _reply(update, short)
        return
    await answer_message(update, context, incoming)


async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, voice, uncaptioned photos and files: ask for text (in groups only when replying to the bot)."""
    if addressed_text(update.effective_message, context.bot.username, context.bot.id) is not None:
        await _reply(update, TEXT_ONLY)


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: a greeting with example questions."""
    context.chat_data["greeted"] = True
    await call_with_retry(lambda: update.effective_message.reply_text(GREETING), "sendMessage")


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: what the bot does and its commands."""
    await call_with_retry(lambda: update.effective_message.reply_text(HELP), "sendMessage")


def _command_incoming(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> Incoming:
    message = update.effective_message
    raw_user = str(message.from_user.id) if message.from_user else str(message.chat_id)
    return Incoming(text, session_id_for(message.chat_id), caller_for(context.bot_data["settings"], "telegram", raw_user))


async def on_score(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/score <buyer>: look the buyer's credit score up through the same answer path."""
    buyer = " ".join(context.args or []).strip()
    if not buyer:
        await call_with_retry(lambda: update.effective_message.reply_text("用法：/score 买方名称或统一社会信用代码"), "sendMessage")
        return
    await answer_message(update, context, _command_incoming(update, context, f"查询买方“{buyer}”的信用评分"))


async def on_dso(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/dso: explain how to ask; with numbers, start a DSO calculation."""
    figures = " ".join(context.args or []).strip()
    if not figures:
        await call_with_retry(lambda: update.effective_message.reply_text(DSO_HELP), "sendMessage")
        return
    await answer_message(update, context, _command_incoming(update, context, f"计算DSO：{figures}"))


async def on_reset(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reset: forget this chat's session."""
    chat: ChatService = context.bot_data["chat"]
    await asyncio.to_thread(chat.reset, session_id_for(update.effective_message.chat_id))
    await call_with_retry(lambda: update.effective_message.reply_text("好的，已清空本聊天的上下文。"), "sendMessage")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log handler errors with their traceback; a Bot API hiccup while polling is one line (PTB retries)."""
    if update is None and isinstance(context.error, TelegramError):
        logger.warning("telegram: polling failed (%s: %s); retrying", type(context.error).__name__, context.error)
        return
    logger.error("telegram handler error", exc_info=context.error)


async def announce_commands(application: Application) -> None:
    """Set the command menu Telegram shows when the user types "/" (``post_init``)."""
    commands = [BotCommand(name, description) for name, description in COMMANDS]
    await call_with_retry(lambda: application.bot.set_my_commands(commands), "setMyCommands", idempotent=True)


def bot_base_url(api_url: str) -> str:
    """PTB's ``base_url`` (``.../bot``, the token is appended) from ``CREDITBOT_TELEGRAM_API_URL``."""
    api_url = api_url.rstrip("/")
    return api_url if api_url.endswith("/bot") else api_url + "/bot"


def build_application(settings: Settings, chat: ChatService, *, webhook: bool = False) -> Application:
    """The PTB application with every handler (wiring only). ``webhook`` builds it without an updater."""
    if settings.telegram_token is None:
        raise ValueError("CREDITBOT_TELEGRAM_TOKEN is not set; get a token from @BotFather")
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .concurrent_updates(True)
        .read_timeout(telegram_send.READ_TIMEOUT_S)
        .write_timeout(telegram_send.WRITE_TIMEOUT_S)
        .connect_timeout(telegram_send.CONNECT_TIMEOUT_S)
        .pool_timeout(telegram_send.POOL_TIMEOUT_S)
        .post_init(announce_commands)
    )
    if settings.telegram_api_url:
        builder = builder.base_url(bot_base_url(settings.telegram_api_url))
    if webhook:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data.update(chat=chat, settings=settings)
    new = filters.UpdateType.MESSAGE  # edited messages are not answered a second time
    for name, callback in (("start", on_start), ("help", on_help), ("score", on_score), ("dso", on_dso),
                           ("reset", on_reset), ("skip", on_skip)):
        application.add_handler(CommandHandler(name, callback, filters=new))
    application.add_handler(MessageHandler(new & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND, on_text))
    media = filters.Sticker.ALL | filters.VOICE | filters.AUDIO | filters.VIDEO | filters.VIDEO_NOTE | filters.PHOTO
    application.add_handler(MessageHandler(new & (media | filters.Document.ALL | filters.ANIMATION), on_media))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_error_handler(on_error)
    return application


def run(settings: Settings) -> None:
    """``creditbot telegram``: long polling, or a webhook listener when ``telegram_webhook_url`` is set."""
    from bot.chat import build_chat_service

    # httpx logs every request URL at INFO, and Bot API URLs contain the bot token.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger("httpx").getEffectiveLevel()))
    chat = build_chat_service(settings)
    logger.info("loading the knowledge base before taking messages (first start can take a minute)")
    chat.assistant.answer("信用保险是什么？", Session(id="telegram-warmup"))
    if settings.telegram_webhook_url:
        from bot.channels.telegram_webhook import serve_webhook

        asyncio.run(serve_webhook(build_application(settings, chat, webhook=True), settings))
        return
    application = build_application(settings, chat)
    logger.info("telegram bot polling")
    application.run_polling(allowed_updates=Update.ALL_TYPES)
