"""Deliver an advisor's reply on the user's channel.

* web (the widget, the HTTP API): nothing to push; the widget reads the session's messages.
* Telegram: ``sendMessage`` through the Bot API (``telegram_api_url``).
* WeChat Official Account: the customer-service message API; where the account lacks it (no secret,
  unverified, 48001...), the reply is held and goes out with the user's next message, as late answers do.
* WeCom: the application message API (``message/send``) when ``wecom_agent_secret`` is set; else held.
"""

from __future__ import annotations

import asyncio
import logging

import httpx
from sqlalchemy.engine import Engine

from bot.channels.wechat_reply import CustomerServiceAPI, CustomerServiceUnavailable
from bot.channels.wechat_state import HELD, WeChatState
from bot.chat import paginate
from bot.config import Settings
from bot.handoff.desk import Handoff

logger = logging.getLogger(__name__)

ADVISOR_PREFIX = "信用顾问："
TELEGRAM_API = "https://api.telegram.org"
TELEGRAM_LIMIT = 4096
WECHAT_LIMIT_BYTES = 1800
TIMEOUT_S = 10.0


class DeliveryFailed(Exception):
    """The channel refused or could not be reached; the advisor is told so."""


class Deliverer:
    """Sends an advisor's text to the user of a hand-off, by channel."""

    def __init__(self, settings: Settings, engine: Engine, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self.engine = engine
        self._transport = transport
        secret = settings.wechat_app_secret
        self.wechat = (CustomerServiceAPI(settings.wechat_api_url, settings.wechat_app_id, secret.get_secret_value())
                       if settings.wechat_app_id and secret else None)

    async def deliver(self, handoff: Handoff, text: str) -> str:
        """Deliver ``text``; returns how (``web``, ``sent`` or ``held``). Raises :class:`DeliveryFailed`."""
        message = ADVISOR_PREFIX + text
        if handoff.channel == "telegram":
            await self._telegram(handoff, message)
            return "sent"
        if handoff.channel in ("wechat", "wecom"):
            return await self._wechat_family(handoff, message)
        return "web"

    async def _telegram(self, handoff: Handoff, message: str) -> None:
        token = self.settings.telegram_token
        if token is None or not handoff.address:
            raise DeliveryFailed("Telegram is not configured or the chat is unknown")
        base = (self.settings.telegram_api_url or TELEGRAM_API).rstrip("/").removesuffix("/bot")
        url = f"{base}/bot{token.get_secret_value()}/sendMessage"
        async with httpx.AsyncClient(timeout=TIMEOUT_S, transport=self._transport) as client:
            for page in paginate(message, TELEGRAM_LIMIT):
                try:
                    response = await client.post(url, json={"chat_id": int(handoff.address), "text": page})
                    ok = response.json().get("ok", False)
                except (httpx.HTTPError, ValueError) as e:
                    raise DeliveryFailed(f"Telegram could not be reached ({type(e).__name__})") from e
                if not ok:
                    raise DeliveryFailed(f"Telegram refused the message ({response.status_code})")

    async def _wechat_family(self, handoff: Handoff, message: str) -> str:
        pages = paginate(message, WECHAT_LIMIT_BYTES, measure=lambda t: len(t.encode()))
        if handoff.address:
            try:
                for page in pages:
                    await self._send_wechat(handoff, page)
                return "sent"
            except (CustomerServiceUnavailable, httpx.HTTPError, ValueError) as e:
                logger.warning("advisor reply held for the next message on %s: %s", handoff.channel, e)
        await asyncio.to_thread(self._hold, handoff, pages)
        return "held"

    async def _send_wechat(self, handoff: Handoff, page: str) -> None:
        assert handoff.address is not None
        if handoff.channel == "wechat":
            if self.wechat is None:
                raise CustomerServiceUnavailable("no AppID/AppSecret configured")
            await self.wechat.send_text(handoff.address, page)
        else:
            await self._wecom(handoff.address, page)

    async def _wecom(self, user: str, page: str) -> None:
        secret, agent = self.settings.wecom_agent_secret, self.settings.wecom_agent_id
        if secret is None or not agent or not self.settings.wecom_corp_id:
            raise CustomerServiceUnavailable("no WeCom application secret configured")
        base = self.settings.wecom_api_url.rstrip("/")
        async with httpx.AsyncClient(timeout=TIMEOUT_S, transport=self._transport) as client:
            token = (await client.get(f"{base}/cgi-bin/gettoken", params={
                "corpid": self.settings.wecom_corp_id, "corpsecret": secret.get_secret_value()})).json()
            if "access_token" not in token:
                raise CustomerServiceUnavailable(f"gettoken: errcode {token.get('errcode')}")
            sent = (await client.post(f"{base}/cgi-bin/message/send", params={"access_token": token["access_token"]},
                                      json={"touser": user, "msgtype": "text", "agentid": int(agent),
                                            "text": {"content": page}})).json()
        if sent.get("errcode", 0):
            raise CustomerServiceUnavailable(f"message/send: errcode {sent.get('errcode')}")

    def _hold(self, handoff: Handoff, pages: list[str]) -> None:
        """Queue the pages after anything already held for the user's next message."""
        state = WeChatState(self.engine)
        held, _ = state.take_pages(handoff.channel, handoff.user_hash, HELD)
        state.put_pages(handoff.channel, handoff.user_hash, HELD, [*held, *pages])
