"""Offline routing of tool requests: recognise, ask for what is missing, call the tool, answer in Chinese.

:meth:`ToolRouter.handle` answers a message that asks for a calculation or a buyer (or completes a
pending clarification kept in ``session.state``) and returns ``None`` for everything else, which the
knowledge core then answers. Every call goes through :class:`tools.registry.ToolRegistry` (its
``StructuredTool`` and its permission gate, with the caller's grants), including one that completes an
earlier request. A failed tool call becomes a polite sentence, never a made-up figure; with the credit
service down, a question naming a buyer says so instead of falling through to the articles.

Buyers are recognised by name against the credit service's directory (:class:`tools.directory.BuyerDirectory`:
part of a name, a slip, pinyin, a Latin name, an id or USCC), several in one message are compared, and the
session keeps the last buyer looked up (``state["buyer"]``) for follow-ups that point back at it.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.messages import Caller, Reply, Session, ToolCall
from knowledge.normalize import Script, detect_script, to_simplified, to_user_script
from tools import replies
from tools.client import CreditServiceClient
from tools.directory import BuyerDirectory
from tools.intents import (
    BUYER_REFERENCE,
    KNOWLEDGE_MARKERS,
    NOT_A_NAME,
    ToolRequest,
    buyer_name,
    buyer_request,
    detect,
    fill_slots,
    named_buyers,
    refers_to_buyer,
)
from tools.names import PLAUSIBLE
from tools.numbers import find_amounts
from tools.registry import ALL_GRANTS, ToolRegistry
from tools.specs.calc_ratio import KIND_SLOTS

if TYPE_CHECKING:
    from langchain_core.tools import StructuredTool

logger = logging.getLogger(__name__)

_PENDING = "pending"
_BUYER_TOOLS = ("buyer_lookup", "buyer_receivables", "clarify_buyer")
_BUYER = "buyer"  # the buyer last looked up in the session: {"buyer_id", "name"}
_ENGLISH = "english"  # True while the turn's message is English (set or dropped at the start of every turn)
LAST_RESULT = "last_result"  # the last calculation: {"tool", "args", "result", "earlier", "turn"}
# "要是赊销做到2000万呢": the last calculation again with one input changed.
_WHAT_IF = re.compile(r"如果|要是|假如|假设|换成|改成|变成|降到|降至|涨到|升到|提高到|减少到|增加到|呢\s*[？?]?\s*$|what if|\bif\b",
                      re.IGNORECASE)
_CHOICE = re.compile(r"^\s*(?:第)?\s*([1-9一二三四五])\s*(?:个|家|号)?\s*$")
_NOT_A_NAME = re.compile(r"算了|不用|没事|取消|不查了|cancel|never ?mind", re.IGNORECASE)
_CN_ORDINAL = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}


def build_tool_router(settings: Settings) -> ToolRouter:
    """The router for this process, talking to ``settings.service_url``."""
    token = settings.service_token.get_secret_value() if settings.service_token else None
    return ToolRouter(ToolRegistry(CreditServiceClient(settings.service_url, token=token)))


def grants_of(caller: Caller) -> frozenset[str]:
    """The tool permissions a caller holds."""
    return ALL_GRANTS if caller.may_lookup_buyers else frozenset()


class ToolRouter:
    """Decides whether a message is for the tools and answers it if so."""

    def __init__(
        self, registry: ToolRegistry, *, today: Callable[[], date] = date.today, directory: BuyerDirectory | None = None
    ) -> None:
        self.registry = registry
        self.today = today
        self.directory = directory or BuyerDirectory(registry.client)

    def _call(self, name: str, args: dict[str, Any], session: Session) -> dict[str, Any]:
        return self.registry.invoke(name, args, grants_of(session.caller))

    def tools_for(self, caller: Caller) -> list[StructuredTool]:
        """The langchain tools ``caller`` may use: the others are not offered at all (and refused if called)."""
        grants = grants_of(caller)
        return [t for t in self.registry.structured_tools(grants) if self.registry.allowed(t.name, grants)]

    def handle(self, message: str, session: Session, script: Script | None = None) -> Reply | None:
        """A Reply for a tool request or a completed clarification; ``None`` when the knowledge core should answer.

        A Traditional-script message is read in Simplified (as the ledger's names are) and answered in Traditional;
        an English one is answered in English. ``script``: the message's, when the caller has detected it.
        """
        message = unicodedata.normalize("NFKC", message)
        script = script or detect_script(message)
        if script == "en":
            session.state[_ENGLISH] = True
        else:
            session.state.pop(_ENGLISH, None)
        if script == "hant":
            message = to_simplified(message)
        reply = self._handle(message, session)
        if reply is not None and script == "hant":
            reply.answer = to_user_script(reply.answer, script)
        return reply

    def _handle(self, message: str, session: Session) -> Reply | None:
        request = detect(message)
        named = None if _own_figures(request, message) else self._named(message, session, request)
        if named is not None:
            return self._about_buyers(named, session)
        pending = session.state.get(_PENDING)
        if request is None and pending:
            reply = self._complete(message, session, pending)
            if reply is not None:
                return reply
        session.state.pop(_PENDING, None)  # a new question: any half-finished request is dropped
        if request is None:
            return self._what_if(message, session)
        self._inherit(request, session)
        return self._run(request, session)

    def _inherit(self, request: ToolRequest, session: Session) -> None:
        """A calculation right after one of the same kind takes the period it leaves out from it.

        Only the period: an amount left out is asked for, never taken silently from another calculation.
        """
        last = self.last_result(session)
        if "period_days" not in request.missing or last is None or last["tool"] != request.tool:
            return
        if "period_days" in last["args"] and last["args"].get("kind") == request.args.get("kind"):
            request.args["period_days"] = last["args"]["period_days"]
            request.missing.remove("period_days")

    def last_result(self, session: Session) -> dict[str, Any] | None:
        """The calculation answered in the turn just before this one ({"tool", "args", "result", "earlier"})."""
        last = session.state.get(LAST_RESULT)
        return last if last and last.get("turn") == len(session.turns) - 1 else None

    def _what_if(self, message: str, session: Session) -> Reply | None:
        """The last calculation redone with the inputs a "what if" follow-up changes ("那赊销改成两千万呢")."""
        last = self.last_result(session)
        if last is None or not _WHAT_IF.search(message):
            return None
        tool, known = last["tool"], {k: v for k, v in last["args"].items() if k != "kind"}
        kind = last["args"].get("kind", tool)
        if kind not in KIND_SLOTS and not (tool in self.registry.specs and self.registry.specs[tool].calculator):
            return None
        args, missing = fill_slots(kind, message, known)
        if args == known or missing:
            return None
        earlier = tuple(last["earlier"]) if last.get("earlier") else None
        return self._calc(tool, {"kind": kind, **args} if tool == "calc_ratio" else args, [], session, earlier)

    # --- dispatch -------------------------------------------------------------------------

    def _run(self, request: ToolRequest, session: Session) -> Reply | None:
        if request.tool == "formula":
            return self._formula(request.args["kind"], session)
        if request.tool not in ("clarify_buyer", "buyer_lookup", "buyer_receivables"):
            return self._calc(request.tool, request.args, request.missing, session, request.earlier)
        if not self.registry.allowed("buyer_lookup", grants_of(session.caller)):
            return Reply(_texts(session).NO_PERMISSION) if request.strong or request.tool == "clarify_buyer" else None
        if request.tool == "clarify_buyer":
            session.state[_PENDING] = {"tool": request.args["then"], "missing": ["buyer"], "args": {}}
            return Reply(_texts(session).WHICH_BUYER, status="clarify",
                         tool_calls=[ToolCall(request.args["then"], {}, {"missing": ["buyer"]})])
        window = {k: v for k, v in request.args.items() if k in ("as_of", "period_days")}
        return self._buyer(request.tool, request.args["query"], strong=request.strong, session=session, window=window)

    def _complete(self, message: str, session: Session, pending: dict[str, Any]) -> Reply | None:
        tool = pending.get("tool")
        if tool not in ("buyer_lookup", "buyer_receivables") and tool in self.registry.specs:
            kind = pending["args"]["kind"] if tool == "calc_ratio" else tool
            known = {k: v for k, v in pending["args"].items() if k != "kind"}
            args, missing = fill_slots(kind, message, known, missing=pending["missing"])
            if args == known:
                return None  # nothing new: the user moved on
            if tool == "calc_ratio":
                args = {"kind": kind, **args}
            earlier = pending.get("earlier")
            return self._calc(tool, args, missing, session, tuple(earlier) if earlier else None)
        if tool in ("buyer_lookup", "buyer_receivables"):  # the permission is checked again by the call
            options = pending.get("options") or []
            choice = _CHOICE.match(message)
            if options and choice:
                index = int(_CN_ORDINAL.get(choice.group(1), choice.group(1) if choice.group(1).isdigit() else 0))
                if 1 <= index <= len(options):
                    session.state.pop(_PENDING, None)
                    return self._buyer(tool, options[index - 1], strong=True, session=session,
                                       window=pending.get("args", {}))
            if len(message) > 40 or "？" in message or "?" in message or _NOT_A_NAME.search(message):
                return None
            if KNOWLEDGE_MARKERS.search(message) or NOT_A_NAME.search(message):
                return None  # a question of its own ("你们公司地址在哪"), not the buyer's name
            query = buyer_name(message) or message.strip()
            session.state.pop(_PENDING, None)
            return self._buyer(tool, query, strong=True, session=session, window=pending.get("args", {}))
        return None

    # --- calculators ----------------------------------------------------------------------

    def _formula(self, kind: str, session: Session) -> Reply:
        """The formula of a calculator; numbers sent next are taken as its inputs."""
        english = replies.ENGLISH.explain(kind) if session.state.get(_ENGLISH) else None
        if kind in self.registry.specs:
            _, missing = fill_slots(kind, "", {})
            session.state[_PENDING] = {"tool": kind, "args": {}, "missing": missing}
            return Reply(english or replies.formula_answer(self.registry.specs[kind].calculator.formula))
        if kind in KIND_SLOTS:
            _, missing = fill_slots(kind, "", {})
            session.state[_PENDING] = {"tool": "calc_ratio", "args": {"kind": kind}, "missing": missing}
        return Reply(english or replies.formula_answer(replies.FORMULAS[kind]))

    def _calc(
        self, tool: str, args: dict[str, Any], missing: list[str], session: Session,
        earlier: tuple[float, str] | None = None,
    ) -> Reply:
        """The calculator's answer (kept as the session's last result), or a question for what is missing.

        ``args`` may carry context the answer uses but the tool does not take (an invoice amount for a
        discount); ``earlier`` is the metric's value in an earlier period, kept for judging the change.
        """
        spec = self.registry.specs[tool]
        if missing:
            session.state[_PENDING] = {"tool": tool, "args": args, "missing": missing, "earlier": earlier}
            labels = dict(spec.calculator.labels) if spec.calculator else None
            return Reply(_texts(session).ask_for(missing, args, labels), status="clarify",
                         tool_calls=[ToolCall(tool, dict(args), {"missing": missing})])
        session.state.pop(_PENDING, None)
        inputs = {k: v for k, v in args.items() if k in spec.args_schema.model_fields}
        result = self._call(tool, inputs, session)
        call = ToolCall(tool, dict(inputs), result)
        if "error" not in result:
            session.state[LAST_RESULT] = {"tool": tool, "args": dict(args), "result": result, "earlier": earlier,
                                          "turn": len(session.turns)}
        if result.get("error") == "service_unavailable":
            return Reply(_texts(session).UNAVAILABLE, tool_calls=[call])
        if "error" in result:
            return Reply(_texts(session).invalid_answer(result), tool_calls=[call])
        render = replies.ENGLISH.render(tool) if session.state.get(_ENGLISH) else None
        return Reply((render or spec.render)(args, result), tool_calls=[call])

    # --- buyers ---------------------------------------------------------------------------

    def _named(self, message: str, session: Session, request: ToolRequest | None) -> ToolRequest | None:
        """The buyers the message names in the directory, or the session's buyer it points back at (unless
        the message is a calculation of its own: figures typed, a calculator pending or asked for by name)."""
        if not self.registry.allowed("buyer_lookup", grants_of(session.caller)):
            return None  # the directory is buyer data too; such callers keep the plain reading
        buyers = named_buyers(message, self.directory.find(message))
        pending = session.state.get(_PENDING) or {}
        calculating = (
            pending.get("tool") not in (None, *_BUYER_TOOLS) or bool(find_amounts(message))
            or (request is not None and request.tool not in _BUYER_TOOLS and not BUYER_REFERENCE.search(message))
        )
        if not buyers and session.state.get(_BUYER) and not calculating and refers_to_buyer(message):
            buyers = [[session.state[_BUYER]["buyer_id"]]]
        if not buyers:
            return None
        request = buyer_request(message, buyers)
        if pending.get("missing") == ["buyer"] and pending.get("tool") == "buyer_receivables" and not request.args.get(
            "fields"
        ):  # "which buyer?" answered with a name: the ledger question asked before
            request = ToolRequest("buyer_receivables", {"buyers": buyers, **pending.get("args", {})})
        return request

    def _about_buyers(self, request: ToolRequest, session: Session) -> Reply:
        """Each named buyer's record (the fields asked first), ledger or verdict; a choice when a name fits several."""
        session.state.pop(_PENDING, None)
        calls: list[ToolCall] = []
        records = []
        for ids in request.args["buyers"]:
            found = [self._record(buyer_id, session, calls) for buyer_id in ids[:5]]
            if any("error" in f for f in found):
                return Reply(_error_text(next(f for f in found if "error" in f), session), tool_calls=calls)
            if len(found) > 1:
                session.state[_PENDING] = {"tool": request.tool, "missing": ["buyer"], "options": ids[:5],
                                           "args": _window(request.args)}
                return Reply(_texts(session).choices_answer(found), status="clarify", tool_calls=calls)
            records.append(found[0])
        if len(records) > 1 and request.tool == "buyer_lookup" and not request.args.get("decision"):
            return Reply(_texts(session).buyers_compared(records, request.args.get("fields", [])), tool_calls=calls)
        texts = [self._tell(request, record, session, calls) for record in records]
        if len(records) == 1:
            session.state[_BUYER] = {"buyer_id": records[0]["buyer_id"], "name": records[0]["name"]}
        return Reply("\n\n".join(texts), tool_calls=calls)

    def _record(self, buyer_id: str, session: Session, calls: list[ToolCall]) -> dict[str, Any]:
        """One buyer's record through ``buyer_lookup`` (its id matches exactly), or the call's error."""
        result = self._call("buyer_lookup", {"query": buyer_id}, session)
        calls.append(ToolCall("buyer_lookup", {"query": buyer_id}, result))
        if "error" in result:
            return result
        exact = [m for m in result["matches"] if m["buyer_id"] == buyer_id]
        return exact[0] if exact else {"error": "not_found", "message": f"buyer {buyer_id} not found"}

    def _tell(self, request: ToolRequest, record: dict[str, Any], session: Session, calls: list[ToolCall]) -> str:
        if request.tool == "buyer_lookup":
            texts = _texts(session)
            return texts.buyer_reply(record, request.args.get("fields", []), decision=request.args.get("decision"))
        window = _window(request.args)
        as_of = date.fromisoformat(window["as_of"]) if window.get("as_of") else self.today()
        args = {"buyer_id": record["buyer_id"], "as_of": as_of.isoformat(),
                "period_days": int(window.get("period_days") or 90)}
        ledger = self._call("buyer_receivables", args, session)
        calls.append(ToolCall("buyer_receivables", args, ledger))
        if "error" in ledger:
            return _error_text(ledger, session)
        return _texts(session).receivables_answer(record, ledger, request.args.get("asks", ()))

    def _buyer(
        self, tool: str, query: str, *, strong: bool, session: Session, window: dict[str, Any] | None = None
    ) -> Reply | None:
        window = window or {}
        lookup = self._call("buyer_lookup", {"query": query}, session)
        calls = [ToolCall("buyer_lookup", {"query": query}, lookup)]
        if "error" in lookup:
            outage = lookup["error"] == "service_unavailable" and _reads_like_a_name(query)
            if not (strong or outage or lookup["error"] == "forbidden"):
                return None  # an outage is not hidden behind an article, but a stray phrase is no buyer
            return Reply(_error_text(lookup, session), tool_calls=calls)
        matches = lookup["matches"]
        if not matches:
            if not strong:
                return None
            near = [h.name for h in self.directory.find(query) if h.score >= PLAUSIBLE][:3]
            return Reply(_texts(session).not_found_answer(query, near), tool_calls=calls)
        best = matches[0]
        if len(matches) > 1 and best["score"] < 1.0 and matches[1]["score"] >= best["score"] - 0.05:
            shown = matches[:5]
            session.state[_PENDING] = {"tool": tool, "missing": ["buyer"], "args": dict(window),
                                       "options": [m["buyer_id"] for m in shown]}
            return Reply(_texts(session).choices_answer(shown), status="clarify", tool_calls=calls)
        session.state.pop(_PENDING, None)
        session.state[_BUYER] = {"buyer_id": best["buyer_id"], "name": best["name"]}
        if tool == "buyer_lookup":
            return Reply(_texts(session).buyer_answer(best), tool_calls=calls)
        as_of = date.fromisoformat(window["as_of"]) if window.get("as_of") else self.today()
        period = int(window.get("period_days") or 90)
        args = {"buyer_id": best["buyer_id"], "as_of": as_of.isoformat(), "period_days": period}
        ledger = self._call("buyer_receivables", args, session)
        calls.append(ToolCall("buyer_receivables", args, ledger))
        if "error" in ledger:
            return Reply(_error_text(ledger, session), tool_calls=calls)
        return Reply(_texts(session).receivables_answer(best, ledger), tool_calls=calls)


def _own_figures(request: ToolRequest | None, message: str) -> bool:
    """A calculation on figures the user typed ("华信 应收300万 赊销900万"): theirs, not the ledger's."""
    return request is not None and request.tool not in _BUYER_TOOLS and bool(find_amounts(message))


def _window(args: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in args.items() if k in ("as_of", "period_days")}


def _reads_like_a_name(query: str) -> bool:
    """A weak request's name that reads like a company's (one word, or a short Latin name; no question words).

    With the service down such a question is reported as an outage; a stray phrase the intent reader took
    for a name still goes to the knowledge core.
    """
    words = query.split()
    return 1 <= len(words) <= 4 and not NOT_A_NAME.search(query) and (len(words) == 1 or query.isascii())


def _texts(session: Session) -> replies.Replies:
    """The reply texts in this turn's language: English for an English message."""
    return replies.ENGLISH if session.state.get(_ENGLISH) else replies.CHINESE


def _error_text(result: dict[str, Any], session: Session) -> str:
    if result.get("error") == "service_unavailable":
        return _texts(session).UNAVAILABLE
    if result.get("error") == "forbidden":
        return _texts(session).NO_PERMISSION
    if result.get("error") == "not_found":
        return _texts(session).NOT_FOUND
    if "as_of" in str(result.get("message", "")):
        return "这个日期查不了：请给出 1900 年到 2999 年之间的日期，例如 2026-09-30。"
    return str(result.get("message", "输入有误"))

