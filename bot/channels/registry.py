"""The one place the web server learns which channels it hosts: add a webhook channel's router builder here.

Each builder takes ``(settings, chat)`` and returns a FastAPI ``APIRouter``; the server mounts them all
without knowing their names. Channels with their own process (Telegram polling, the terminal) are
started by ``creditbot`` subcommands instead.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter

from bot.channels import wechat, wecom
from bot.chat import ChatService
from bot.config import Settings

RouterBuilder = Callable[[Settings, ChatService], APIRouter]

WEB_CHANNELS: tuple[RouterBuilder, ...] = (wechat.build_router, wecom.build_router)


def web_routers(settings: Settings, chat: ChatService) -> list[APIRouter]:
    """The routers of every webhook channel, built for this app."""
    return [build(settings, chat) for build in WEB_CHANNELS]
