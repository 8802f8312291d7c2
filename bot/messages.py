"""The types every channel shares: what comes in, who sent it, and the reply that goes out.

Glossary of domain terms used across the code base:
    应收账款周转天数 = DSO (days sales outstanding)   信用限额 / 信用额度 = credit limit
    拖欠 / 长期拖欠 = protracted default               账期 = credit term
    坏账 = bad debt                                    理赔 = claim (settlement)
    账龄 = ageing                                      赊销 = credit sales
    统一社会信用代码 = USCC (unified social credit code)
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["answered", "clarify", "no_answer", "handoff"]
_PIECE = re.compile(r"[^。！？!?；;\n]*[。！？!?；;\n]+|[^。！？!?；;\n]+$")


def split_pieces(text: str) -> list[str]:
    """Sentence-sized pieces of an answer, for streaming and paging; joined they give the text back."""
    return _PIECE.findall(text) or [text]


def hash_user(channel: str, user_id: str, secret: bytes | None = None) -> str:
    """A stable, non-reversible id for a chat user: the only user identity that is logged or stored.

    With ``secret`` (see ``bot.policy.user_id_secret``) it is an HMAC nobody without the secret can
    compute from a platform id; callers that store or expose the id must pass it.
    """
    data = f"{channel}:{user_id}".encode()
    if secret is None:
        return hashlib.sha256(data).hexdigest()[:16]
    return hmac.new(secret, data, hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class Caller:
    """Who is asking, as far as permissions go. ``user_hash`` is never the raw platform id."""

    channel: str = "api"
    user_hash: str = "anonymous"
    may_lookup_buyers: bool = False


@dataclass(frozen=True)
class Incoming:
    """One user message, translated out of a channel's own format."""

    text: str
    session_id: str | None = None
    caller: Caller = field(default_factory=Caller)


@dataclass
class Source:
    """A cited article passage. ``doc_id`` is the article file name without extension."""

    doc_id: str
    title: str
    snippet: str
    score: float


@dataclass
class ToolCall:
    """One tool invocation and its (possibly error) result."""

    name: str
    args: dict[str, Any]
    result: dict[str, Any]


@dataclass
class Reply:
    """The answer to one message, in the shape of the HTTP contract."""

    answer: str
    status: Status = "answered"
    sources: list[Source] = field(default_factory=list)
    tool_calls: list[ToolCall] = field(default_factory=list)
    session_id: str = ""
    reply_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``POST /api/chat`` and ``creditbot ask --json``."""
        return asdict(self)


@dataclass
class Turn:
    """One earlier exchange of a session, kept for follow-up questions."""

    question: str
    answer: str
    status: Status
    topic: str = ""  # the self-contained question the knowledge core actually searched for


@dataclass
class Session:
    """A conversation: its earlier turns and any half-finished tool request (``state``)."""

    id: str
    caller: Caller = field(default_factory=Caller)
    turns: list[Turn] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)


AnswerFn = Callable[[Incoming], Reply]
