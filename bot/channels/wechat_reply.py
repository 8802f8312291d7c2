"""Answering WeChat / WeCom messages within the 5-second window, and the customer-service API.

Pure parts (:func:`to_incoming`, :func:`render`, :func:`text_reply_xml`) and the :class:`Responder`,
which computes each ``MsgId``'s answer once, however often WeChat retries and whichever server worker
the retry reaches: the bookkeeping is in the conversation store (:mod:`bot.channels.wechat_state`).
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time

import httpx

from bot.channels.wechat_state import DEFERRED, DONE, HELD, MORE, WeChatState
from bot.chat import ChatService, paginate
from bot.config import Settings
from bot.handoff.desk import HandoffDesk
from bot.messages import Incoming, Reply
from bot.policy import caller_for
from knowledge.errors import InvalidMessage

logger = logging.getLogger(__name__)

PASSIVE_LIMIT_BYTES = 2000  # WeChat truncates text replies past ~2048 bytes
MORE_WORDS = frozenset({"更多", "继续", "more"})
MORE_HINT = "\n（内容较长，回复“更多”查看后续。）"
PREVIOUS_PREFIX = "您上一个问题的回答：\n"
CURRENT_PREFIX = "您刚才的问题：\n"
WELCOME = (
    "您好，我是贸易信用保险知识助手。可以直接用文字提问，例如：\n"
    "· 信用保险一般保哪些风险？\n"
    "· 买方拖欠多久可以报损理赔？\n"
    "· 应收账款周转天数（DSO）怎么计算？"
)
TEXT_ONLY = "暂时只能处理文字消息，请用文字描述您的问题。"
_MARKDOWN = [
    (re.compile(r"\[([^\]]+)\]\((\S+?)\)"), r"\1（\2）"),
    (re.compile(r"(\*\*|__|`)"), ""),
    (re.compile(r"^\s{0,3}#{1,6}\s*", re.M), ""),
    (re.compile(r"^\s*[-*]\s+", re.M), "· "),
]
_POLL_S = 0.1  # how often a retry looks whether the owner's answer is done


class WeChatRejected(Exception):
    """A callback refused before anything is answered (forged, replayed, malformed, too big)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply_xml(to_user: str, from_user: str, content: str) -> str:
    """A passive text reply (before any safe-mode encryption)."""
    return (
        f"<xml><ToUserName>{_cdata(to_user)}</ToUserName><FromUserName>{_cdata(from_user)}</FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType>{_cdata('text')}</MsgType>"
        f"<Content>{_cdata(content)}</Content></xml>"
    )


def to_incoming(fields: dict[str, str], settings: Settings, channel: str = "wechat") -> Incoming | None:
    """The user's question in a message, or None for anything that is not text (or recognised voice)."""
    msg_type = fields.get("MsgType", "")
    if msg_type == "text":
        text = fields.get("Content", "")
    elif msg_type == "voice" and fields.get("Recognition", "").strip():
        text = fields["Recognition"]
    else:
        return None
    user = fields.get("FromUserName", "")
    caller = caller_for(settings, channel, user)
    return Incoming(text=text, session_id=f"{channel}:{caller.user_hash}", caller=caller)


def _plain(text: str) -> str:
    for pattern, replacement in _MARKDOWN:
        text = pattern.sub(replacement, text)
    return text.strip()


def _utf8_size(text: str) -> int:
    return len(text.encode())


def render(reply: Reply, limit_bytes: int = PASSIVE_LIMIT_BYTES) -> list[str]:
    """Plain-text pages of a reply (citations as a compact list), each under ``limit_bytes`` with its hint."""
    text = _plain(reply.answer)
    titles = list(dict.fromkeys(s.title or s.doc_id for s in reply.sources))
    if titles:
        text += "\n\n参考：" + "；".join(f"《{t}》" for t in titles)
    return paginate(text, limit_bytes - _utf8_size(MORE_HINT) - _utf8_size(PREVIOUS_PREFIX), measure=_utf8_size)


def with_held(held: list[str], pages: list[str]) -> list[str]:
    """The pages of an answer preceded by a late answer the user has not received yet (none: ``pages``)."""
    if not held:
        return pages
    text = PREVIOUS_PREFIX + "\n".join(held) + "\n\n" + CURRENT_PREFIX + "\n".join(pages)
    return paginate(text, PASSIVE_LIMIT_BYTES - _utf8_size(MORE_HINT), measure=_utf8_size)


class CustomerServiceUnavailable(Exception):
    """The account cannot send customer-service messages (no secret, unverified account, 48001...)."""


class CustomerServiceAPI:
    """``cgi-bin/stable_token`` (cached per process until expiry) and ``cgi-bin/message/custom/send``.

    Several server workers each fetch and cache their own token. That is safe only with
    ``stable_token`` in its normal mode (``force_refresh`` false): while a token is valid every caller
    gets the same one, and near expiry the old and new tokens both work for five minutes. The classic
    ``GET cgi-bin/token`` would invalidate the other workers' tokens on every fetch (and
    ``force_refresh`` true does too, limited to 20 a day), so neither is used here.
    """

    def __init__(self, api_url: str, app_id: str, app_secret: str, *, timeout_s: float = 10.0) -> None:
        self.api_url = api_url.rstrip("/")
        self.app_id = app_id
        self._secret = app_secret
        self._timeout = timeout_s
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def access_token(self, client: httpx.AsyncClient, *, refresh: bool = False) -> str:
        """The cached access token, fetched again (normal mode) when expired or ``refresh``."""
        async with self._lock:
            if refresh or self._token is None or time.monotonic() >= self._expires:
                response = await client.post(
                    f"{self.api_url}/cgi-bin/stable_token",
                    content=_json(
                        {"grant_type": "client_credential", "appid": self.app_id, "secret": self._secret,
                         "force_refresh": False}
                    ),
                    headers={"Content-Type": "application/json; charset=utf-8"},
                )
                data = response.json()
                if "access_token" not in data:
                    raise CustomerServiceUnavailable(f"token: errcode {data.get('errcode')}")
                self._token = data["access_token"]
                self._expires = time.monotonic() + max(int(data.get("expires_in", 7200)) - 120, 30)
            return self._token

    async def send_text(self, openid: str, content: str) -> None:
        """Send one text message; :class:`CustomerServiceUnavailable` when the account cannot."""
        payload = {"touser": openid, "msgtype": "text", "text": {"content": content}}
        async with httpx.AsyncClient(timeout=self._timeout) as client:
            for attempt in range(2):
                token = await self.access_token(client, refresh=attempt > 0)
                response = await client.post(
                    f"{self.api_url}/cgi-bin/message/custom/send",
                    params={"access_token": token},
                    content=_json(payload),
                    headers={"Content-Type": "application/json; charset=utf-8"},
                )
                errcode = response.json().get("errcode", 0)
                if errcode == 0:
                    return
                if errcode not in (40001, 40014, 42001):  # token invalid/expired: refresh once
                    break
        raise CustomerServiceUnavailable(f"custom/send: errcode {errcode}")


def _json(payload: dict) -> bytes:
    import json

    return json.dumps(payload, ensure_ascii=False).encode()  # WeChat wants raw UTF-8, not \\u escapes


class Responder:
    """Turn WeChat message fields into the content of a passive reply (or None for ``success``).

    The bookkeeping (MsgId claims, held answers, "更多" pages) is in :class:`WeChatState`, in the
    conversation store's database, so any number of server workers answer each ``MsgId`` once.
    """

    def __init__(
        self,
        settings: Settings,
        chat: ChatService,
        *,
        channel: str,
        api: CustomerServiceAPI | None,
        state: WeChatState | None = None,
    ) -> None:
        self.settings = settings
        self.chat = chat
        self.channel = channel
        self.api = api
        self.budget_s = settings.wechat_reply_budget_s
        self._state = state
        self._state_lock = threading.Lock()
        self._background: set[asyncio.Task[None]] = set()
        self.computed = 0  # answers computed in this process (tests check retries do not add to it)

    @property
    def state(self) -> WeChatState:
        """The shared bookkeeping, created on first use (the chat service may still be starting at wiring)."""
        with self._state_lock:
            if self._state is None:
                self._state = WeChatState(self.chat.store.engine)
            return self._state

    async def respond(self, fields: dict[str, str]) -> str | None:
        """The passive reply text for a decrypted message, or None to answer ``success``."""
        deadline = time.monotonic() + self.budget_s
        msg_type = fields.get("MsgType", "")
        if msg_type == "event":
            return WELCOME if fields.get("Event", "").lower() == "subscribe" else None
        incoming = to_incoming(fields, self.settings, self.channel)
        if incoming is None:
            return TEXT_ONLY if msg_type in ("image", "voice", "video", "shortvideo", "file", "location", "link") else None
        user = fields.get("FromUserName", "")
        user_hash = incoming.caller.user_hash
        await asyncio.to_thread(lambda: self.state)  # creates its tables off the event loop the first time
        msg_id = fields.get("MsgId") or f"{user_hash}:{fields.get('CreateTime', '')}"
        if not await asyncio.to_thread(self.state.claim, self.channel, msg_id, user_hash):
            return await self._await_owner(msg_id, deadline)  # a retry: another request computes it
        held, _ = await asyncio.to_thread(self.state.take_pages, self.channel, user_hash, HELD)
        wants_more = incoming.text.strip().lower() in MORE_WORDS
        if held and wants_more:  # "更多" after a late answer: the late answer is what they want
            return await self._deliver(msg_id, user_hash, [PREVIOUS_PREFIX + held[0], *held[1:]], held)
        if wants_more:
            page, left = await asyncio.to_thread(self.state.take_pages, self.channel, user_hash, MORE, 1)
            if page:
                return await self._finish(msg_id, self._page(page[0], more=left > 0))
        return await self._answer(msg_id, user, user_hash, incoming, deadline, held)

    def _page(self, text: str, *, more: bool) -> str:
        return text + MORE_HINT if more else text

    async def _deliver(self, msg_id: str, user_hash: str, pages: list[str], held: list[str]) -> str | None:
        """Pages as the passive reply (first page now, the rest on "更多"); a deferred ``msg_id`` keeps ``held``."""
        reply = await self._finish(msg_id, self._page(pages[0], more=bool(pages[1:])))
        if reply is None:  # a retry answered ``success`` meanwhile: keep the late answer for the next message
            if held:
                await asyncio.to_thread(self.state.put_pages, self.channel, user_hash, HELD, held)
            return None
        await asyncio.to_thread(self.state.put_pages, self.channel, user_hash, MORE, pages[1:])
        return reply

    async def _finish(self, msg_id: str, content: str) -> str | None:
        """Mark ``msg_id`` done with its passive reply; None when a retry deferred it meanwhile."""
        return content if await asyncio.to_thread(self.state.finish, self.channel, msg_id, content) else None

    async def _await_owner(self, msg_id: str, deadline: float) -> str | None:
        """A retry: wait within the budget for the owner's passive reply; ``success`` otherwise."""
        while True:
            current = await asyncio.to_thread(self.state.message, self.channel, msg_id)
            if current is None or current.state == DEFERRED:
                return None
            if current.state == DONE:
                return current.content
            if time.monotonic() >= deadline:
                break
            await asyncio.sleep(min(_POLL_S, max(deadline - time.monotonic(), 0.0)))
        # Out of time: WeChat has given up on the owner's connection, so the owner must deliver another way.
        if await asyncio.to_thread(self.state.defer, self.channel, msg_id):
            return None
        current = await asyncio.to_thread(self.state.message, self.channel, msg_id)
        return current.content if current is not None and current.state == DONE else None

    def _compute(self, incoming: Incoming, user: str) -> list[str]:
        self.computed += 1
        try:
            reply = self.chat.handle(incoming)
        except InvalidMessage:
            return [f"消息为空或太长了，请用不超过 {self.chat.max_message_chars} 个字重新描述您的问题。"]
        if reply.status == "handoff" and incoming.session_id:  # where an advisor's reply will be sent
            HandoffDesk(self.chat.store.engine).set_address(incoming.session_id, user)
        return render(reply) or ["抱歉，暂时没有答案。"]

    async def _answer(
        self, msg_id: str, user: str, user_hash: str, incoming: Incoming, deadline: float, held: list[str]
    ) -> str | None:
        """Answer the message; a late answer still held for the user goes first, in the same reply."""
        task = asyncio.create_task(asyncio.to_thread(self._compute, incoming, user))
        try:
            pages = await asyncio.wait_for(asyncio.shield(task), max(deadline - time.monotonic(), 0.0))
        except TimeoutError:
            await asyncio.to_thread(self.state.defer, self.channel, msg_id)  # (or a retry deferred it already)
            self._later(task, user, user_hash, held)
            return None
        reply = await self._deliver(msg_id, user_hash, with_held(held, pages), [])
        if reply is None:
            self._later(task, user, user_hash, held)  # a retry answered ``success`` meanwhile
        return reply

    def _later(self, task: asyncio.Task[list[str]], user: str, user_hash: str, held: list[str]) -> None:
        background = asyncio.create_task(self._deliver_later(task, user, user_hash, held))
        self._background.add(background)
        background.add_done_callback(self._background.discard)

    async def _deliver_later(
        self, task: asyncio.Task[list[str]], user: str, user_hash: str, held: list[str]
    ) -> None:
        """Send a late answer (after any earlier one still held) as customer-service messages, or hold it."""
        try:
            pages = with_held(held, await task)
        except Exception:
            logger.exception("late answer failed for user %s", user_hash)
            if held:
                await asyncio.to_thread(self.state.put_pages, self.channel, user_hash, HELD, held)
            return
        try:
            if self.api is None:
                raise CustomerServiceUnavailable("no customer-service API configured")
            for page in pages:
                await self.api.send_text(user, page)
            logger.info("late answer sent as customer-service message to user %s", user_hash)
        except (CustomerServiceUnavailable, httpx.HTTPError, ValueError) as e:
            logger.warning("kept late answer for next message of user %s: %s", user_hash, e)
            await asyncio.to_thread(self.state.put_pages, self.channel, user_hash, HELD, pages)

    async def drain(self) -> None:
        """Wait for background deliveries (tests, shutdown)."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)
