"""Buyer requests: the buyers a message names (by name against the credit service's directory, or the
session's buyer it points back at), each one's record, ledger or verdict, several compared, and a choice
when a name fits several buyers."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from bot.messages import Reply, Session, ToolCall
from bot.tool_routing.context import BUYER, BUYER_TOOLS, LEDGER, PENDING, call_tool, error_text, grants_of, texts
from tools.directory import BuyerDirectory
from tools.intents import (
    BUYER_REFERENCE,
    KNOWLEDGE_MARKERS,
    NOT_A_NAME,
    ToolRequest,
    buyer_name,
    buyer_request,
    named_buyers,
    refers_to_buyer,
    window_change,
    without_aging,
)
from tools.names import PLAUSIBLE
from tools.numbers import find_amounts
from tools.registry import ToolRegistry

_CHOICE = re.compile(r"^\s*(?:第)?\s*([1-9一二三四五])\s*(?:个|家|号)?\s*$")
_NOT_A_NAME = re.compile(r"算了|不用|没事|取消|不查了|cancel|never ?mind", re.IGNORECASE)
_CN_ORDINAL = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}


class Buyers:
    """Answers buyer requests through ``buyer_lookup`` and ``buyer_receivables``."""

    def __init__(self, registry: ToolRegistry, directory: BuyerDirectory, today: Callable[[], date]) -> None:
        self.registry = registry
        self.directory = directory
        self.today = today

    def allowed(self, session: Session) -> bool:
        """Whether the session's caller may see buyer data."""
        return self.registry.allowed("buyer_lookup", grants_of(session.caller))

    def run(self, request: ToolRequest, session: Session) -> Reply | None:
        """A buyer request the intent reader found: the lookup or ledger, or which buyer it is about."""
        if not self.allowed(session):
            return Reply(texts(session).NO_PERMISSION) if request.strong or request.tool == "clarify_buyer" else None
        if request.tool == "clarify_buyer":
            session.state[PENDING] = {"tool": request.args["then"], "missing": ["buyer"], "args": {}}
            return Reply(texts(session).WHICH_BUYER, status="clarify",
                         tool_calls=[ToolCall(request.args["then"], {}, {"missing": ["buyer"]})])
        return self.lookup(request.tool, request.args["query"], strong=request.strong, session=session,
                           window=_window(request.args))

    def complete(self, message: str, session: Session, pending: dict[str, Any]) -> Reply | None:
        """The answer to "which buyer?": a number from the choices, or a name; ``None`` for a question of its own."""
        tool = pending["tool"]  # the permission is checked again by the call
        options = pending.get("options") or []
        choice = _CHOICE.match(message)
        if options and choice:
            index = int(_CN_ORDINAL.get(choice.group(1), choice.group(1) if choice.group(1).isdigit() else 0))
            if 1 <= index <= len(options):
                session.state.pop(PENDING, None)
                return self.lookup(tool, options[index - 1], strong=True, session=session,
                                   window=pending.get("args", {}))
        if len(message) > 40 or "？" in message or "?" in message or _NOT_A_NAME.search(message):
            return None
        if KNOWLEDGE_MARKERS.search(message) or NOT_A_NAME.search(message):
            return None  # a question of its own ("你们公司地址在哪"), not the buyer's name
        query = buyer_name(message) or message.strip()
        session.state.pop(PENDING, None)
        return self.lookup(tool, query, strong=True, session=session, window=pending.get("args", {}))

    def named(self, message: str, session: Session, request: ToolRequest | None) -> ToolRequest | None:
        """The buyers the message names in the directory, or the session's buyer it points back at (unless
        the message is a calculation of its own: figures typed, a calculator pending or asked for by name)."""
        if not self.allowed(session):
            return None  # the directory is buyer data too; such callers keep the plain reading
        buyers = named_buyers(message, self.directory.find(message))
        pending = session.state.get(PENDING) or {}
        calculating = (
            pending.get("tool") not in (None, *BUYER_TOOLS) or bool(find_amounts(without_aging(message)))
            or (request is not None and request.tool not in BUYER_TOOLS and not BUYER_REFERENCE.search(message))
        )
        if not buyers and session.state.get(BUYER) and not calculating and refers_to_buyer(message):
            buyers = [[session.state[BUYER]["buyer_id"]]]
        if not buyers:
            return None if calculating else self._window_follow_up(message, session)
        request = buyer_request(message, buyers, self.today())
        if pending.get("missing") == ["buyer"] and pending.get("tool") == "buyer_receivables" and not request.args.get(
            "fields"
        ):  # "which buyer?" answered with a name: the ledger question asked before
            request = ToolRequest("buyer_receivables", {"buyers": buyers, **pending.get("args", {})})
        return request

    def _window_follow_up(self, message: str, session: Session) -> ToolRequest | None:
        """"那上月底呢" right after a buyer's ledger: the same figures at the new date or over the new period."""
        last = session.state.get(LEDGER)
        window = window_change(message, self.today()) if last and last["turn"] == len(session.turns) - 1 else {}
        if not window:
            return None
        return ToolRequest("buyer_receivables", {"buyers": [[last["buyer_id"]]], "asks": last["asks"],
                                                 **last["window"], **window})

    def about(self, request: ToolRequest, session: Session) -> Reply:
        """Each named buyer's record (the fields asked first), ledger or verdict; a choice when a name fits several."""
        session.state.pop(PENDING, None)
        calls: list[ToolCall] = []
        records = []
        for ids in request.args["buyers"]:
            found = [self._record(buyer_id, session, calls) for buyer_id in ids[:5]]
            if any("error" in f for f in found):
                return Reply(error_text(next(f for f in found if "error" in f), session), tool_calls=calls)
            if len(found) > 1:
                session.state[PENDING] = {"tool": request.tool, "missing": ["buyer"], "options": ids[:5],
                                          "args": _window(request.args)}
                return Reply(texts(session).choices_answer(found), status="clarify", tool_calls=calls)
            records.append(found[0])
        if len(records) > 1 and request.tool == "buyer_lookup" and not request.args.get("decision"):
            return Reply(texts(session).buyers_compared(records, request.args.get("fields", [])), tool_calls=calls)
        told = [self._tell(request, record, session, calls) for record in records]
        if len(records) == 1:
            session.state[BUYER] = {"buyer_id": records[0]["buyer_id"], "name": records[0]["name"]}
        if len(records) == 1 and request.tool == "buyer_receivables":
            session.state[LEDGER] = {"buyer_id": records[0]["buyer_id"], "window": _window(request.args),
                                     "asks": request.args.get("asks", []), "turn": len(session.turns)}
        return Reply("\n\n".join(told), tool_calls=calls)

    def _record(self, buyer_id: str, session: Session, calls: list[ToolCall]) -> dict[str, Any]:
        """One buyer's record through ``buyer_lookup`` (its id matches exactly), or the call's error."""
        result = call_tool(self.registry, "buyer_lookup", {"query": buyer_id}, session)
        calls.append(ToolCall("buyer_lookup", {"query": buyer_id}, result))
        if "error" in result:
            return result
        exact = [m for m in result["matches"] if m["buyer_id"] == buyer_id]
        return exact[0] if exact else {"error": "not_found", "message": f"buyer {buyer_id} not found"}

    def _tell(self, request: ToolRequest, record: dict[str, Any], session: Session, calls: list[ToolCall]) -> str:
        if request.tool == "buyer_lookup":
            return texts(session).buyer_reply(record, request.args.get("fields", []),
                                              decision=request.args.get("decision"))
        ledger = self._ledger(record, _window(request.args), session, calls)
        if "error" in ledger:
            return error_text(ledger, session)
        return texts(session).receivables_answer(record, ledger, request.args.get("asks", ()))

    def _ledger(
        self, buyer: dict[str, Any], window: dict[str, Any], session: Session, calls: list[ToolCall]
    ) -> dict[str, Any]:
        """The buyer's ledger as of the window's date (today when none) over its period (90 days when none)."""
        as_of = date.fromisoformat(window["as_of"]) if window.get("as_of") else self.today()
        args = {"buyer_id": buyer["buyer_id"], "as_of": as_of.isoformat(),
                "period_days": int(window.get("period_days") or 90)}
        ledger = call_tool(self.registry, "buyer_receivables", args, session)
        calls.append(ToolCall("buyer_receivables", args, ledger))
        return ledger

    def lookup(
        self, tool: str, query: str, *, strong: bool, session: Session, window: dict[str, Any] | None = None
    ) -> Reply | None:
        """The buyer a query names, then its record or ledger (``tool``); a choice when several fit about as well.

        ``strong``: the message surely asks about a buyer; a weak one that finds none goes to the knowledge core.
        """
        window = window or {}
        lookup = call_tool(self.registry, "buyer_lookup", {"query": query}, session)
        calls = [ToolCall("buyer_lookup", {"query": query}, lookup)]
        if "error" in lookup:
            outage = lookup["error"] == "service_unavailable" and _reads_like_a_name(query)
            if not (strong or outage or lookup["error"] == "forbidden"):
                return None  # an outage is not hidden behind an article, but a stray phrase is no buyer
            return Reply(error_text(lookup, session), tool_calls=calls)
        matches = lookup["matches"]
        if not matches:
            if not strong:
                return None
            near = [h.name for h in self.directory.find(query) if h.score >= PLAUSIBLE][:3]
            return Reply(texts(session).not_found_answer(query, near), tool_calls=calls)
        best = matches[0]
        if len(matches) > 1 and best["score"] < 1.0 and matches[1]["score"] >= best["score"] - 0.05:
            shown = matches[:5]
            session.state[PENDING] = {"tool": tool, "missing": ["buyer"], "args": dict(window),
                                      "options": [m["buyer_id"] for m in shown]}
            return Reply(texts(session).choices_answer(shown), status="clarify", tool_calls=calls)
        session.state.pop(PENDING, None)
        session.state[BUYER] = {"buyer_id": best["buyer_id"], "name": best["name"]}
        if tool == "buyer_lookup":
            return Reply(texts(session).buyer_answer(best), tool_calls=calls)
        ledger = self._ledger(best, window, session, calls)
        if "error" in ledger:
            return Reply(error_text(ledger, session), tool_calls=calls)
        return Reply(texts(session).receivables_answer(best, ledger), tool_calls=calls)


def _window(args: dict[str, Any]) -> dict[str, Any]:
    """The ledger's date and period a request gives."""
    return {k: v for k, v in args.items() if k in ("as_of", "period_days")}


def _reads_like_a_name(query: str) -> bool:
    """A weak request's name that reads like a company's (one word, or a short Latin name; no question words).

    With the service down such a question is reported as an outage; a stray phrase the intent reader took
    for a name still goes to the knowledge core.
    """
    words = query.split()
    return 1 <= len(words) <= 4 and not NOT_A_NAME.search(query) and (len(words) == 1 or query.isascii())
