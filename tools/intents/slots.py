"""Reading a calculator's values out of a message: each amount goes to the input its words name."""

from __future__ import annotations

import re
from typing import Any

from tools.numbers import Amount, find_amounts, parse_net_days, parse_period_days, parse_terms
from tools.registry import load_specs
from tools.spec import ToolSpec
from tools.specs.calc_ratio import KIND_NAMES as RATIO_WORDS
from tools.specs.calc_ratio import KIND_SLOTS, PART_OF

# The calculators with their own tool (DSO and any added in tools/specs), most specific names first.
CALCULATORS: list[ToolSpec] = sorted((s for s in load_specs() if s.calculator), key=lambda s: s.calculator.priority)
# A metric name with a figure right after it states the metric's own value ("流动比率0.95", "DSO是61"),
# which is never one of a calculator's inputs.
_LINK = r"\s*(?:现在|目前|同比|环比)?\s*(?:是|为|有|在|约|大概|达到?|:|：)?\s*(?=\d|[一二两三四五六七八九十])"
METRIC_VALUES: list[re.Pattern[str]] = [
    re.compile(f"(?:{p.pattern}){_LINK}", p.flags)
    for p in [*RATIO_WORDS.values(), *(s.calculator.names for s in CALCULATORS)]
]
STATED = "="  # the pseudo-slot of a metric's own value
# A share written as a part of a whole ("2.2m out of 10m", "900万里面有135万").
PART_OF_WHOLE = re.compile(r"\bout of\b|\bof (?:the |our )?total\b|里面|其中|当中|中有", re.IGNORECASE)


def _slots(kind: str) -> tuple[dict[str, str], bool]:
    """The words naming each input of calculator ``kind`` (a tool or a ratio kind), and whether it needs a period."""
    if kind in KIND_SLOTS:
        return KIND_SLOTS[kind], False
    calc = next(s.calculator for s in CALCULATORS if s.name == kind)
    return dict(calc.slots), calc.needs_period


def fill_slots(kind: str, text: str, known: dict[str, Any], missing: list[str] | None = None) -> tuple[dict, list]:
    """The calculator values in ``text`` merged over ``known``, and which are still missing.

    Each amount goes to the value whose word precedes it most closely in the same clause (else the
    nearest following word). In a follow-up (``missing`` given), a lone amount fills the one missing
    amount, and a period word fills ``period_days``.
    """
    words, needs_period = _slots(kind)
    args = dict(known)
    scan = text
    for spec in CALCULATORS:  # "应收账款周转天数" names a metric, not the receivables
        scan = spec.calculator.names.sub(lambda m: "#" * len(m.group()), scan)
    hits: list[tuple[int, int, str]] = [(m.start(), m.end(), STATED) for p in METRIC_VALUES for m in p.finditer(text)]
    for slot, pattern in words.items():
        for m in re.finditer(pattern, scan, re.IGNORECASE):
            if not any(s <= m.start() < e for s, e, _ in hits):
                hits.append((m.start(), m.end(), slot))
    unassigned: list[Amount] = []
    fresh: set[str] = set()  # a value typed in this message wins over one remembered; the first one typed wins
    for amount in find_amounts(text):
        # a word whose value this message already gave labels the next amount only if nothing else does
        slot = _nearest_slot(scan, amount, [h for h in hits if h[2] not in fresh]) or _nearest_slot(scan, amount, hits)
        if slot == STATED:
            continue  # the metric's own value, not an input
        if slot and slot not in fresh:
            args[slot] = amount.value
            fresh.add(slot)
        else:
            unassigned.append(amount)
    part, whole = PART_OF.get(kind, ("", ""))
    if part and len(unassigned) == 1 and len({part, whole} & fresh) == 1 and PART_OF_WHOLE.search(text):
        # "overdue AR is 2.2m out of 10m": the amount no word names is the other side of the share
        args[whole if part in fresh else part] = unassigned.pop().value
        fresh |= {part, whole}
    if part in fresh and whole in fresh and args[part] > args[whole]:
        args[part], args[whole] = args[whole], args[part]
    if needs_period:
        period = parse_period_days(text)
        if period:
            args["period_days"] = period
    needed = [*words, "period_days"] if needs_period else list(words)
    still = [slot for slot in needed if slot not in args]
    money_missing = [slot for slot in still if slot != "period_days"]
    if missing is not None and len(unassigned) == 1 and len(money_missing) == 1:
        args[money_missing[0]] = unassigned[0].value
    return args, [slot for slot in needed if slot not in args]


def _nearest_slot(text: str, amount: Amount, hits: list[tuple[int, int, str]]) -> str | None:
    clause_start = max((m.end() for m in re.finditer(r"[，,。；;！!？?\n]", text[: amount.start])), default=0)
    next_stop = re.search(r"[，,。；;！!？?\n]", text[amount.end :])
    clause_end = amount.end + next_stop.start() if next_stop else len(text)
    before = [h for h in hits if clause_start <= h[0] and h[1] <= amount.start]
    if before:
        return max(before, key=lambda h: h[1])[2]
    after = [h for h in hits if h[0] >= amount.end and h[1] <= clause_end]
    if after:
        return min(after, key=lambda h: h[0])[2]
    return None


# "负债再多200万", "资产少了300万", "up by 2M": an amount that changes a remembered value by itself, not one that
# replaces it ("降到200万", "增加到" end in 到 and are not matched)
_BY_MORE = re.compile(r"(?:再多|多了?|多出|增加了?|加了?|涨了?|上升了?|提高了?|\bup by|\bmore by)\s*$", re.IGNORECASE)
_BY_LESS = re.compile(r"(?:再少|少了?|减少了?|减了?|降了?|下降了?|\bdown by|\bless by)\s*$", re.IGNORECASE)
_DELTA_REACH = 6  # characters before an amount that may carry its 多/少


def apply_changes(text: str, known: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
    """``args`` (values read from ``text`` over ``known``) with each amount said as a change ("再多200万")
    added to or taken from the remembered value of the input it was read into."""
    changed = dict(args)
    for amount in find_amounts(text):
        before = text[max(0, amount.start - _DELTA_REACH) : amount.start]
        sign = 1 if _BY_MORE.search(before) else -1 if _BY_LESS.search(before) else 0
        slots = [s for s, v in args.items() if v == amount.value and s in known and known[s] != v]
        if sign and len(slots) == 1:
            changed[slots[0]] = known[slots[0]] + sign * amount.value
    return changed


# which term of a cash discount a what-if changes: the discount's days ("折扣期改成20天", "15天内付") or the net term
_DISCOUNT_DAYS = re.compile(r"折扣期|折扣天数|优惠期|discount (?:period|window|days)|\d+\s*(?:天|日)\s*内|within", re.IGNORECASE)
_PERCENT = re.compile(r"(?P<pct>\d+(?:\.\d+)?)\s*(?:%|％|个点|percent)", re.IGNORECASE)


def discount_changes(text: str, known: dict[str, Any]) -> dict[str, Any]:
    """The terms of a cash discount with what a what-if message changes ("what if net 45", "折扣要是2%呢",
    "折扣期改成20天"): whole terms replace all three, a percentage the discount, a day count its term."""
    terms = parse_terms(text)
    if terms is not None:
        return {**known, "discount_pct": terms.discount_pct, "discount_days": terms.discount_days,
                "net_days": terms.net_days}
    args = dict(known)
    pct = _PERCENT.search(text)
    if pct:
        args["discount_pct"] = float(pct.group("pct"))
    days = parse_net_days(_PERCENT.sub(" ", text))
    if days is not None:
        args["discount_days" if _DISCOUNT_DAYS.search(text) else "net_days"] = days
    return args
