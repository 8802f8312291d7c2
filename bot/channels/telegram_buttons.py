"""The inline buttons under a Telegram answer: 👍/👎 (one vote per reply, 👎 asks for a comment) and 联系人工
(which starts a real hand-off: :mod:`bot.channels.telegram_handoff`).

Button data: ``fb:<+1|-1>:<reply id>``, ``fb:done``, ``human:<reply id>``, ``human:done``.
A vote is recorded once however often the buttons are tapped (two taps arrive as two concurrent
updates); the buttons then turn into "已评价". After 👎 the user's next message in that chat is
recorded as the comment (``/skip`` declines).
"""

from __future__ import annotations

import asyncio
import logging

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot.channels.telegram_handoff import start_handoff
from bot.channels.telegram_send import call_with_retry
from bot.chat import ChatService
from bot.messages import Reply

logger = logging.getLogger(__name__)

RATED = "已评价"
HANDED_OFF = "已转人工"
ASK_COMMENT = "抱歉没能帮上忙。哪里不对或缺了什么？请直接回复一句话，我们会转给信用顾问改进（发送 /skip 跳过）。"
COMMENT_THANKS = "谢谢，您的意见已记录。"


def answer_buttons(reply: Reply) -> InlineKeyboardMarkup:
    """👍/👎 for every answer, and 联系人工 when the knowledge base had no answer."""
    rows = [
        [
            InlineKeyboardButton("👍", callback_data=f"fb:1:{reply.reply_id}"),
            InlineKeyboardButton("👎", callback_data=f"fb:-1:{reply.reply_id}"),
        ]
    ]
    if reply.status == "no_answer":
        rows.append([InlineKeyboardButton("联系人工", callback_data=f"human:{reply.reply_id}")])
    return InlineKeyboardMarkup(rows)


def _replace_row(message: Message | None, prefix: str, row: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    """The message's buttons with the row whose first button's data starts with ``prefix`` replaced."""
    rows = message.reply_markup.inline_keyboard if message is not None and message.reply_markup else ()
    kept = [r if not (r and str(r[0].callback_data or "").startswith(prefix)) else row for r in rows]
    return InlineKeyboardMarkup(kept or [row])


def pending_comments(context: ContextTypes.DEFAULT_TYPE) -> dict[int, str]:
    """This chat's users who were asked for a 👎 comment, and the reply each comment is about."""
    return context.chat_data.setdefault("comment_for", {})


async def record_comment(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> bool:
    """If the sender owes a 👎 comment in this chat, record ``text`` as that comment; True when it was one."""
    user = update.effective_user
    reply_id = pending_comments(context).pop(user.id, None) if user else None
    if reply_id is None:
        return False
    chat: ChatService = context.bot_data["chat"]
    await asyncio.to_thread(chat.store.add_comment, reply_id, text)
    await call_with_retry(lambda: update.effective_message.reply_text(COMMENT_THANKS), "sendMessage")
    return True


async def on_skip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/skip: decline to comment on a 👎."""
    user = update.effective_user
    if user is not None and pending_comments(context).pop(user.id, None) is not None:
        await call_with_retry(lambda: update.effective_message.reply_text("好的，已跳过。"), "sendMessage")


async def _on_vote(update: Update, context: ContextTypes.DEFAULT_TYPE, rating: int, reply_id: str) -> None:
    query = update.callback_query
    rated: dict[str, int] = context.bot_data.setdefault("rated", {})
    if reply_id in rated:  # checked and set with no await in between: a double tap counts once
        await call_with_retry(lambda: query.answer(f"{RATED}，谢谢！"), "answerCallbackQuery", idempotent=True)
        return
    rated[reply_id] = rating
    chat: ChatService = context.bot_data["chat"]
    if not await asyncio.to_thread(chat.feedback, reply_id, rating):
        del rated[reply_id]
        await call_with_retry(lambda: query.answer("这条回答已无法评价"), "answerCallbackQuery", idempotent=True)
        return
    await call_with_retry(lambda: query.answer("谢谢反馈！"), "answerCallbackQuery", idempotent=True)
    done = [InlineKeyboardButton(f"{RATED} {'👍' if rating > 0 else '👎'}", callback_data="fb:done")]
    markup = _replace_row(query.message, "fb:", done)
    await call_with_retry(lambda: query.edit_message_reply_markup(markup), "editMessageReplyMarkup", idempotent=True)
    if rating < 0 and query.message is not None:
        pending_comments(context)[query.from_user.id] = reply_id
        await call_with_retry(
            lambda: context.bot.send_message(query.message.chat.id, ASK_COMMENT,
                                             reply_markup=ForceReply(selective=True, input_field_placeholder="哪里不对？")),
            "sendMessage",
        )


async def _on_human(update: Update, context: ContextTypes.DEFAULT_TYPE, reply_id: str) -> None:
    query = update.callback_query
    asked: set[str] = context.bot_data.setdefault("handoffs", set())
    if reply_id == "done" or reply_id in asked:
        await call_with_retry(lambda: query.answer(f"{HANDED_OFF}"), "answerCallbackQuery", idempotent=True)
        return
    asked.add(reply_id)
    logger.info("hand-off asked for on reply %s", reply_id)
    await call_with_retry(lambda: query.answer(), "answerCallbackQuery", idempotent=True)
    if query.message is None:
        return
    markup = _replace_row(query.message, "human:", [InlineKeyboardButton(HANDED_OFF, callback_data="human:done")])
    await call_with_retry(lambda: query.edit_message_reply_markup(markup), "editMessageReplyMarkup", idempotent=True)
    await start_handoff(update, context)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """👍/👎 (one vote per reply, recorded in the feedback log) and 联系人工 (a hand-off, once per reply)."""
    query = update.callback_query
    kind, _, rest = (query.data or "").partition(":")
    if kind == "fb" and rest != "done":
        rating, _, reply_id = rest.partition(":")
        await _on_vote(update, context, 1 if rating == "1" else -1, reply_id)
    elif kind == "human":
        await _on_human(update, context, rest)
    else:
        await call_with_retry(lambda: query.answer(f"{RATED}，谢谢！" if kind == "fb" else None),
                              "answerCallbackQuery", idempotent=True)
