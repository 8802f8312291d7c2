"""WeChat Official Account (公众号) and WeCom (企业微信) callbacks, as a FastAPI router.

Mounted by ``creditbot serve`` via :func:`build_router`.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter

from bot.chat import ChatService
from bot.config import Settings

logger = logging.getLogger(__name__)


def build_router(settings: Settings, chat: ChatService) -> APIRouter:
    """The ``/wechat`` and ``/wecom`` callback routes (placeholder; filled in below)."""
    router = APIRouter()
    return router
