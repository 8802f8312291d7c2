"""Telegram webhook mode: a small Starlette app fed into a PTB application built without an updater.

Follows PTB's ``examples/customwebhookbot/starlettebot.py``; every request must carry the
``X-Telegram-Bot-Api-Secret-Token`` header registered with ``setWebhook``.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
from urllib.parse import urlparse

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

from bot.config import Settings

logger = logging.getLogger(__name__)

MAX_UPDATE_BYTES = 1 << 20


def webhook_app(application: Application, secret: str, path: str) -> Starlette:
    """The ASGI app receiving updates at ``path`` (403 without the right secret header)."""

    async def receive_update(request: Request) -> Response:
        """One update from Telegram, queued for the PTB application."""
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given, secret):
            return PlainTextResponse("forbidden", status_code=403)
        body = await request.body()
        if len(body) > MAX_UPDATE_BYTES:
            return PlainTextResponse("too large", status_code=413)
        try:
            update = Update.de_json(json.loads(body), application.bot)
        except ValueError:
            return PlainTextResponse("bad update", status_code=400)
        await application.update_queue.put(update)
        return Response()

    async def health(_: Request) -> Response:
        """Liveness for a reverse proxy or orchestrator."""
        return PlainTextResponse("ok")

    return Starlette(routes=[Route(path, receive_update, methods=["POST"]), Route("/healthz", health)])


async def serve_webhook(application: Application, settings: Settings) -> None:
    """Register the webhook, then serve it on ``telegram_webhook_port`` until interrupted."""
    url = settings.telegram_webhook_url or ""
    secret = (
        settings.telegram_webhook_secret.get_secret_value()
        if settings.telegram_webhook_secret
        else secrets.token_urlsafe(32)  # Telegram echoes whatever we register; a fresh one per run is fine
    )
    path = urlparse(url).path or "/"
    server = uvicorn.Server(
        uvicorn.Config(webhook_app(application, secret, path), host=settings.host, port=settings.telegram_webhook_port)
    )
    async with application:
        if application.post_init:  # what run_polling does; here it sets the command menu
            await application.post_init(application)
        await application.bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
        await application.start()
        logger.info("telegram webhook listening on %s:%s%s", settings.host, settings.telegram_webhook_port, path)
        try:
            await server.serve()
        finally:
            await application.stop()
