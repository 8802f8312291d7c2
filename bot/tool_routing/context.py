"""What the tool router keeps in ``session.state`` between turns, and what every part of it asks of a turn: the
caller's grants, the reply language, a tool call with those grants and the text of a failed call."""

from __future__ import annotations

from typing import Any

from bot.messages import Caller, Session
from tools import replies
from tools.registry import ALL_GRANTS, ToolRegistry

PENDING = "pending"  # a request waiting for a value: {"tool", "args", "missing", "earlier" | "options"}
BUYER = "buyer"  # the buyer last looked up in the session: {"buyer_id", "name"}
LEDGER = "ledger"  # the buyer ledger just told: {"buyer_id", "window", "asks", "turn"}
ENGLISH = "english"  # True while the turn's message is English (set or dropped at the start of every turn)
LAST_RESULT = "last_result"  # the last calculation: {"tool", "args", "result", "earlier", "turn", "previous"}
BUYER_TOOLS = ("buyer_lookup", "buyer_receivables", "clarify_buyer")


def grants_of(caller: Caller) -> frozenset[str]:
    """The tool permissions a caller holds."""
    return ALL_GRANTS if caller.may_lookup_buyers else frozenset()


def call_tool(registry: ToolRegistry, name: str, args: dict[str, Any], session: Session) -> dict[str, Any]:
    """One tool call with the session caller's grants (the registry checks the permission)."""
    return registry.invoke(name, args, grants_of(session.caller))


def texts(session: Session) -> replies.Replies:
    """The reply texts in this turn's language: English for an English message."""
    return replies.ENGLISH if session.state.get(ENGLISH) else replies.CHINESE


def error_text(result: dict[str, Any], session: Session) -> str:
    """What a failed buyer call tells the user."""
    if result.get("error") == "service_unavailable":
        return texts(session).UNAVAILABLE
    if result.get("error") == "forbidden":
        return texts(session).NO_PERMISSION
    if result.get("error") == "not_found":
        return texts(session).NOT_FOUND
    if "as_of" in str(result.get("message", "")):
        return "这个日期查不了：请给出 1900 年到 2999 年之间的日期，例如 2026-09-30。"
    return str(result.get("message", "输入有误"))


def last_result(session: Session) -> dict[str, Any] | None:
    """The calculation answered in the turn just before this one ({"tool", "args", "result", "earlier"})."""
    last = session.state.get(LAST_RESULT)
    return last if last and last.get("turn") == len(session.turns) - 1 else None
