"""Telegram's side of the hand-off: the chat's session id, the 联系人工 button, and where advisors' replies go.

The button sends the hand-off request through the chat service like a typed 联系人工, so the pipeline's
``handoff`` step opens it (and notifies advisors) exactly as for any channel. Once a reply has status
``handoff``, the chat id is left with the hand-off desk so an advisor's reply can be sent with ``sendMessage``.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.channels.telegram_send import call_with_retry
from bot.chat import ChatService
from bot.config import Settings
from bot.handoff.desk import HandoffDesk
from bot.messages import Incoming, Reply, hash_user
from bot.policy import caller_for

logger = logging.getLogger(__name__)

REQUEST = "联系人工"  # what the button says on the user's behalf


def session_id_for(chat_id: int) -> str:
    """One session per Telegram chat; the raw chat id never leaves the channel (but for an open hand-off)."""
    return "tg:" + hash_user("telegram-chat", str(chat_id))


def _desk(context: ContextTypes.DEFAULT_TYPE) -> HandoffDesk:
    desk = context.bot_data.get("handoff_desk")
    if desk is None:
        chat: ChatService = context.bot_data["chat"]
        desk = context.bot_data["handoff_desk"] = HandoffDesk(chat.store.engine)
    return desk


async def remember_chat(context: ContextTypes.DEFAULT_TYPE, reply: Reply, chat_id: int) -> None:
    """After a ``handoff`` reply, leave the chat id where the advisors' replies are sent from."""
    if reply.status != "handoff":
        return
    try:
        await asyncio.to_thread(_desk(context).set_address, session_id_for(chat_id), str(chat_id))
    except Exception:  # the user still gets the reply; the advisor sees the conversation in the inbox
        logger.exception("could not record the Telegram chat of a hand-off")


async def start_handoff(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """联系人工 pressed: ask for a person on the user's behalf and send the reply."""
    query = update.callback_query
    message = query.message
    if message is None:
        return
    settings: Settings = context.bot_data["settings"]
    chat: ChatService = context.bot_data["chat"]
    caller = caller_for(settings, "telegram", str(query.from_user.id))
    incoming = Incoming(REQUEST, session_id_for(message.chat.id), caller)
    reply = await asyncio.to_thread(chat.handle, incoming)
    await remember_chat(context, reply, message.chat.id)
    await call_with_retry(lambda: context.bot.send_message(message.chat.id, reply.answer), "sendMessage")
