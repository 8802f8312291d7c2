"""Calculator requests: the answer with its formula, a question for the values still missing, the formula
alone ("DSO怎么算"), and the last calculation redone with one input changed ("要是赊销做到2000万呢")."""

from __future__ import annotations

import re
from typing import Any

from bot.messages import Reply, Session, ToolCall
from bot.tool_routing.context import ENGLISH, LAST_RESULT, PENDING, call_tool, last_result, texts
from tools import replies
from tools.intents import ToolRequest, fill_slots
from tools.intents.slots import apply_changes, discount_changes
from tools.numbers import parse_net_days
from tools.registry import ToolRegistry
from tools.specs.calc_ratio import KIND_SLOTS

# "要是赊销做到2000万呢": the last calculation again with one input changed.
_WHAT_IF = re.compile(r"如果|要是|假如|假设|换成|改成|变成|降到|降至|涨到|升到|提高到|减少到|增加到|呢\s*[？?]?\s*$|what if|\bif\b",
                      re.IGNORECASE)


class Calculations:
    """Answers calculator requests through the registry's calculators."""

    def __init__(self, registry: ToolRegistry) -> None:
        self.registry = registry

    def inherit(self, request: ToolRequest, session: Session) -> None:
        """A calculation right after one of the same kind takes the period it leaves out from it.

        Only the period: an amount left out is asked for, never taken silently from another calculation.
        """
        last = last_result(session)
        if "period_days" not in request.missing or last is None or last["tool"] != request.tool:
            return
        if "period_days" in last["args"] and last["args"].get("kind") == request.args.get("kind"):
            request.args["period_days"] = last["args"]["period_days"]
            request.missing.remove("period_days")

    def what_if(self, message: str, session: Session) -> Reply | None:
        """The last calculation redone with the inputs a "what if" follow-up changes ("那赊销改成两千万呢"), or
        changes by an amount ("负债再多200万呢"); for a cash discount, the term it names ("what if net 45")."""
        last = last_result(session)
        if last is None or not _WHAT_IF.search(message):
            return None
        tool, known = last["tool"], {k: v for k, v in last["args"].items() if k != "kind"}
        kind = last["args"].get("kind", tool)
        if kind == "discount_cost":
            args, missing = discount_changes(message, known), []
        elif kind in KIND_SLOTS or (tool in self.registry.specs and self.registry.specs[tool].calculator):
            args, missing = fill_slots(kind, message, known)
            args = apply_changes(message, known, args)
        else:
            return None
        if args == known or missing:
            return None
        earlier = tuple(last["earlier"]) if last.get("earlier") else None
        return self.calc(tool, {"kind": kind, **args} if tool == "calc_ratio" else args, [], session, earlier)

    def complete(self, message: str, session: Session, pending: dict[str, Any]) -> Reply | None:
        """The pending calculation with the values this message adds; ``None`` when it adds none (the user moved on)."""
        tool = pending["tool"]
        kind = pending["args"]["kind"] if tool == "calc_ratio" else tool
        if kind == "discount_cost":  # terms given without their net term: this message may give it
            net = parse_net_days(message)
            return None if net is None else self.calc(tool, {**pending["args"], "net_days": net}, [], session)
        known = {k: v for k, v in pending["args"].items() if k != "kind"}
        args, missing = fill_slots(kind, message, known, missing=pending["missing"])
        if args == known:
            return None  # nothing new: the user moved on
        if tool == "calc_ratio":
            args = {"kind": kind, **args}
        earlier = pending.get("earlier")
        return self.calc(tool, args, missing, session, tuple(earlier) if earlier else None)

    def formula(self, kind: str, session: Session) -> Reply:
        """The formula of a calculator; numbers sent next are taken as its inputs."""
        english = replies.ENGLISH.explain(kind) if session.state.get(ENGLISH) else None
        if kind in self.registry.specs:
            _, missing = fill_slots(kind, "", {})
            session.state[PENDING] = {"tool": kind, "args": {}, "missing": missing}
            return Reply(english or replies.formula_answer(self.registry.specs[kind].calculator.formula))
        if kind in KIND_SLOTS:
            _, missing = fill_slots(kind, "", {})
            session.state[PENDING] = {"tool": "calc_ratio", "args": {"kind": kind}, "missing": missing}
        return Reply(english or replies.formula_answer(replies.FORMULAS[kind]))

    def calc(
        self, tool: str, args: dict[str, Any], missing: list[str], session: Session,
        earlier: tuple[float, str] | None = None,
    ) -> Reply:
        """The calculator's answer (kept as the session's last result), or a question for what is missing.

        ``args`` may carry context the answer uses but the tool does not take (an invoice amount for a
        discount); ``earlier`` is the metric's value in an earlier period, kept for judging the change.
        """
        spec = self.registry.specs[tool]
        if missing:
            session.state[PENDING] = {"tool": tool, "args": args, "missing": missing, "earlier": earlier}
            labels = dict(spec.calculator.labels) if spec.calculator else None
            return Reply(texts(session).ask_for(missing, args, labels), status="clarify",
                         tool_calls=[ToolCall(tool, dict(args), {"missing": missing})])
        session.state.pop(PENDING, None)
        inputs = {k: v for k, v in args.items() if k in spec.args_schema.model_fields}
        result = call_tool(self.registry, tool, inputs, session)
        call = ToolCall(tool, dict(inputs), result)
        if "error" not in result:
            session.state[LAST_RESULT] = {"tool": tool, "args": dict(args), "result": result, "earlier": earlier,
                                          "turn": len(session.turns), "previous": _same_kind(session, tool, args)}
        if result.get("error") == "service_unavailable":
            return Reply(texts(session).UNAVAILABLE, tool_calls=[call])
        if "error" in result:
            return Reply(texts(session).invalid_answer(result), tool_calls=[call])
        render = replies.ENGLISH.render(tool) if session.state.get(ENGLISH) else None
        return Reply((render or spec.render)(args, result), tool_calls=[call])


def _same_kind(session: Session, tool: str, args: dict[str, Any]) -> dict[str, Any] | None:
    """The session's last calculation when it is of the same kind as this one ("比上季度高了多少" compares the two)."""
    last = session.state.get(LAST_RESULT)
    if not last or last["tool"] != tool or last["args"].get("kind") != args.get("kind"):
        return None
    return {key: last[key] for key in ("tool", "args", "result")}
