"""Telegram channel: ``creditbot telegram`` (long polling, or a webhook when one is configured).

Quirks that stay here: the 4096-character message limit (split at sentence ends), HTML escaping,
drafts streamed in private chats, group chats answered only when the bot is mentioned or replied
to, flood control (``RetryAfter``) honoured, and 👍/👎 buttons feeding the feedback log.
"""

from __future__ import annotations

import asyncio
import html
import logging
import secrets
import time
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters, Update
from telegram.constants import ChatAction, MessageLimit, ParseMode
from telegram.warnings import PTBDeprecationWarning
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.chat import ChatService, paginate
from bot.config import Settings
from bot.messages import Caller, Incoming, Reply, Session, hash_user
from bot.policy import caller_for
from knowledge.errors import InvalidMessage

logger = logging.getLogger(__name__)

T = TypeVar("T")
LIMIT = MessageLimit.MAX_TEXT_LENGTH  # 4096
TYPING_EVERY_S = 4.0
DRAFT_EVERY_S = 0.7
SEND_ATTEMPTS = 4
EXAMPLES = ("信用保险一般保哪些风险？", "买方拖欠多久可以报损理赔？", "应收账款周转天数（DSO）怎么算？")
GREETING = "您好！我是贸易信用保险知识助手，可以直接用中文提问，例如：\n" + "\n".join(f"· {q}" for q in EXAMPLES)
HELP = (
    "直接发送问题即可；在群里请 @我 或回复我的消息。\n"
    "/score 买方名称 — 查询买方信用评分\n"
    "/dso — 如何计算应收账款周转天数（DSO）\n"
    "/reset — 清空本聊天的上下文\n"
    "每条回答下方可以点 👍/👎 反馈。"
)
DSO_HELP = (
    "DSO（应收账款周转天数）= 期末应收账款 ÷ 期间赊销收入 × 期间天数。\n"
    "发送 /dso 加上数字即可计算，例如：/dso 应收账款500万，赊销收入1200万，期间90天\n"
    "也可以问某个买方的 DSO，例如：某某公司的DSO是多少？"
)


def session_id_for(chat_id: int) -> str:
    """One session per Telegram chat; the raw chat id never leaves this module."""
    return "tg:" + hash_user("telegram-chat", str(chat_id))


def _caller(settings: Settings, raw_user_id: str) -> Caller:
    return caller_for(settings, "telegram", raw_user_id)


def to_incoming(update: Update, settings: Settings, bot_username: str, bot_id: int | None = None) -> Incoming | None:
    """The question in an update, or None (no text; a group message neither mentioning nor replying to us)."""
    message = update.effective_message
    if message is None or not message.text:
        return None
    text = message.text
    if message.chat.type != Chat.PRIVATE:
        mention = f"@{bot_username}".lower()
        replied = message.reply_to_message is not None and message.reply_to_message.from_user is not None and (
            message.reply_to_message.from_user.id == bot_id
            or (message.reply_to_message.from_user.username or "").lower() == bot_username.lower()
        )
        if mention not in text.lower() and not replied:
            return None
        start = text.lower().find(mention)
        if start >= 0:
            text = text[:start] + text[start + len(mention) :]
    user = message.from_user
    raw_user = str(user.id) if user else str(message.chat.id)
    return Incoming(text=text.strip(), session_id=session_id_for(message.chat.id), caller=_caller(settings, raw_user))


def split_text(text: str, limit: int = LIMIT) -> list[str]:
    """HTML-escaped chunks of ``text``, each at most ``limit`` characters, cut at sentence ends."""
    return paginate(text, limit, transform=lambda piece: html.escape(piece, quote=False))


def _citations(reply: Reply) -> str:
    titles = list(dict.fromkeys(s.title or s.doc_id for s in reply.sources))
    if not titles:
        return ""
    return "<b>来源</b>\n" + "\n".join(f"[{i}] {html.escape(t, quote=False)}" for i, t in enumerate(titles, 1))


def render(reply: Reply) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """Messages (HTML text, buttons) for a reply: answer chunks, citations, 👍/👎 and 联系人工 on the last."""
    citations = _citations(reply)
    chunks = split_text(reply.answer.replace("**", ""), LIMIT) or ["…"]
    if citations:
        if len(chunks[-1]) + 2 + len(citations) <= LIMIT:
            chunks[-1] += "\n\n" + citations
        else:
            chunks.append(citations[:LIMIT])
    rows = [
        [
            InlineKeyboardButton("👍", callback_data=f"fb:1:{reply.reply_id}"),
            InlineKeyboardButton("👎", callback_data=f"fb:-1:{reply.reply_id}"),
        ]
    ]
    if reply.status == "no_answer":
        rows.append([InlineKeyboardButton("联系人工", callback_data="human")])
    return [(c, None) for c in chunks[:-1]] + [(chunks[-1], InlineKeyboardMarkup(rows))]


def _retry_after_s(error: RetryAfter) -> float:
    """``retry_after`` in seconds, whether PTB hands out an int or (PTB_TIMEDELTA) a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)  # int -> timedelta transition in PTB 22.x
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def call_with_retry(make_call: Callable[[], Awaitable[T]], what: str) -> T | None:
    """Run a Bot API call, waiting out flood control and retrying network errors; None if it never works."""
    for attempt in range(SEND_ATTEMPTS):
        try:
            return await make_call()
        except RetryAfter as e:
            wait = _retry_after_s(e)
            logger.warning("%s: flood control, retrying in %.1f s", what, wait)
            await asyncio.sleep(wait)
        except (BadRequest, Forbidden) as e:  # BadRequest is a NetworkError subclass, but retrying won't help
            logger.warning("%s refused by Telegram: %s", what, e)
            return None
        except NetworkError as e:
            logger.warning("%s: network error (%s), attempt %d", what, e, attempt + 1)
            await asyncio.sleep(min(2**attempt, 8))
    logger.error("%s failed after %d attempts", what, SEND_ATTEMPTS)
    return None


async def _keep_typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    while True:
        try:
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as e:
            logger.debug("typing action failed: %s", e)
        await asyncio.sleep(TYPING_EVERY_S)


_END = object()


async def _stream_with_drafts(context: ContextTypes.DEFAULT_TYPE, chat_id: int, incoming: Incoming) -> Reply:
    """Stream the answer into a message draft (private chats), returning the final reply."""
    chat: ChatService = context.bot_data["chat"]
    pieces = chat.stream(incoming)
    draft_id = secrets.randbelow(2**31 - 1) + 1
    shown, last, drafts = "", 0.0, True
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


async def answer_message(update: Update, context: ContextTypes.DEFAULT_TYPE, incoming: Incoming) -> None:
    """Answer one question, one at a time per chat (the session is read and written per answer)."""
    locks: dict[int, asyncio.Lock] = context.bot_data.setdefault("chat_locks", {})
    async with locks.setdefault(update.effective_message.chat_id, asyncio.Lock()):
        await _answer(update, context, incoming)


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, incoming: Incoming) -> None:
    """Typing action, the core in a thread (drafts in private chats), then the rendered reply."""
    chat: ChatService = context.bot_data["chat"]
    message = update.effective_message
    chat_id = message.chat_id
    typing = asyncio.create_task(_keep_typing(context, chat_id))
    try:
        if message.chat.type == Chat.PRIVATE:
            reply = await _stream_with_drafts(context, chat_id, incoming)
        else:
            reply = await asyncio.to_thread(chat.handle, incoming)
    except InvalidMessage:
        limit = chat.max_message_chars
        text = f"消息为空或太长了，请用不超过 {limit} 个字重新描述您的问题。"
        await call_with_retry(lambda: context.bot.send_message(chat_id, text), "sendMessage")
        return
    finally:
        typing.cancel()
    reply_to = (
        ReplyParameters(message.message_id, allow_sending_without_reply=True)
        if message.chat.type != Chat.PRIVATE
        else None
    )
    for text, markup in render(reply):
        await call_with_retry(
            lambda text=text, markup=markup: context.bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup, reply_parameters=reply_to
            ),
            "sendMessage",
        )


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text message: answered in private chats, and in groups when the bot is mentioned or replied to."""
    incoming = to_incoming(update, context.bot_data["settings"], context.bot.username, context.bot.id)
    if incoming is not None:
        await answer_message(update, context, incoming)


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: a greeting with example questions."""
    await call_with_retry(lambda: update.effective_message.reply_text(GREETING), "sendMessage")


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: what the bot does and its commands."""
    await call_with_retry(lambda: update.effective_message.reply_text(HELP), "sendMessage")


def _command_incoming(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> Incoming:
    message = update.effective_message
    raw_user = str(message.from_user.id) if message.from_user else str(message.chat_id)
    return Incoming(text, session_id_for(message.chat_id), _caller(context.bot_data["settings"], raw_user))


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


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """👍/👎 (written to the feedback log) and 联系人工 (the human contact text)."""
    query = update.callback_query
    kind, _, rest = (query.data or "").partition(":")
    if kind == "fb":
        rating, _, reply_id = rest.partition(":")
        chat: ChatService = context.bot_data["chat"]
        recorded = await asyncio.to_thread(chat.feedback, reply_id, int(rating or 0))
        await call_with_retry(lambda: query.answer("谢谢反馈！" if recorded else "这条回答已无法评价"), "answerCallbackQuery")
        if recorded and query.message is not None:
            keep = [row for row in query.message.reply_markup.inline_keyboard[1:]] if query.message.reply_markup else []
            await call_with_retry(
                lambda: query.edit_message_reply_markup(InlineKeyboardMarkup(keep) if keep else None),
                "editMessageReplyMarkup",
            )
    elif kind == "human":
        await call_with_retry(lambda: query.answer(), "answerCallbackQuery")
        if query.message is not None:
            contact = context.bot_data["settings"].human_contact
            await call_with_retry(lambda: context.bot.send_message(query.message.chat.id, html.escape(contact)), "sendMessage")
    else:
        await call_with_retry(lambda: query.answer(), "answerCallbackQuery")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log any handler or network error with its traceback; the bot keeps running."""
    logger.error("telegram handler error", exc_info=context.error)


def bot_base_url(api_url: str) -> str:
    """PTB's ``base_url`` (``.../bot``, the token is appended) from ``CREDITBOT_TELEGRAM_API_URL``."""
    api_url = api_url.rstrip("/")
    return api_url if api_url.endswith("/bot") else api_url + "/bot"


def build_application(settings: Settings, chat: ChatService, *, webhook: bool = False) -> Application:
    """The PTB application with every handler (wiring only). ``webhook`` builds it without an updater."""
    if settings.telegram_token is None:
        raise ValueError("CREDITBOT_TELEGRAM_TOKEN is not set; get a token from @BotFather")
    builder = ApplicationBuilder().token(settings.telegram_token.get_secret_value()).concurrent_updates(True)
    if settings.telegram_api_url:
        builder = builder.base_url(bot_base_url(settings.telegram_api_url))
    if webhook:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data.update(chat=chat, settings=settings)
    application.add_handler(CommandHandler("start", on_start))
    application.add_handler(CommandHandler("help", on_help))
    application.add_handler(CommandHandler("score", on_score))
    application.add_handler(CommandHandler("dso", on_dso))
    application.add_handler(CommandHandler("reset", on_reset))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
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
