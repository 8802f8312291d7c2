"""Which tool a message asks for, with which values: a calculation (typed figures or payment terms), a
calculator's formula, or a buyer; ``None`` for a question the knowledge core answers."""

from __future__ import annotations

import re
from datetime import date

from tools.dates import find_dates
from tools.intents.buyers import BUYER_ID, LEDGER_WORDS, USCC, buyer_by_name, ledger_window
from tools.intents.request import KNOWLEDGE_MARKERS, ToolRequest
from tools.intents.slots import CALCULATORS, RATIO_WORDS, fill_slots
from tools.numbers import Amount, find_amounts, find_earlier, parse_partial_terms, parse_terms, parse_year_basis
from tools.specs.calc_ratio import KIND_SLOTS

CALC_VERBS = re.compile(r"算|多少|几天|是多少|计算|what(?:'s| is)|calculate|compute|how many days", re.IGNORECASE)
# Without any number typed, only an explicit request to calculate makes a DSO/ratio question a tool call.
EXPLICIT_CALC = re.compile(r"帮我算|算一下|算算|算下|帮我计算|计算一下|calculate|compute", re.IGNORECASE)
# "X怎么算" without numbers asks for the calculator's formula; "X是什么意思" is left to the knowledge core.
HOW_COMPUTED = re.compile(r"怎么算|如何算|怎样算|咋算|怎么计算|咋计算|如何计算|怎样计算|计算方法|算法|公式|how\b.*\b(?:calculat|comput)|formula",
                          re.IGNORECASE)

MEANING = re.compile(r"什么意思|是什么|什么是|啥意思|meaning|what does|\bmean\b", re.IGNORECASE)
DISCOUNT_NAME = re.compile(r"(?:现金)?折扣(?:的)?(?:年化)?成本|年化成本|放弃(?:现金)?折扣|discount cost|cost of (?:not taking )?(?:a |the )?discount",
                           re.IGNORECASE)

# A share asked for without naming the ratio ("逾期的有300万 占比多少"): the ratio whose inputs are all typed.
ASKS_SHARE = re.compile(r"占比|比例|比率|百分之几|百分之多少|几成|多少%|what share|percentage|what\s*(?:%|percent)", re.IGNORECASE)
# The inputs of a ratio typed, each named, and the figure judged ("流动资产500万 流动负债450万 有问题吗"), or no
# question at all ("应收账款2400万 逾期300万"): the ratio they make, then what the articles say about it.
# Any other question on them ("保险能赔多少", "怎么办") is for the knowledge core.
JUDGES = re.compile(r"高吗|高不高|算高|偏高|正常|健康|危险|有问题|有没有问题|要紧|严重|超标|行不行|怎么样|咋样|"
                    r"\bok\b|healthy|too high|how bad", re.IGNORECASE)
ASKS_OTHER = re.compile(r"[?？吗呢]|多少|怎么|什么|啥|能不能|可不可以|是否|how|what|why|can\b", re.IGNORECASE)
# Two amounts of one thing before and after a change ("逾期账款从500万降到320万") make no part-of-whole ratio.
CHANGE = re.compile(r"从[^，,。；;？?]{0,12}?(?:降|涨|增|减|变|升|到)|(?:降|涨|增|减|升)(?:到|至)|变成|变为")
DISCOUNT_OF_TERMS = re.compile(r"折扣|discount", re.IGNORECASE)
DISCOUNT_COST = re.compile(r"年化|成本|cost|划算|值得|worth", re.IGNORECASE)
# what a message with payment terms says to ask their cost ("拿不拿": whether to take the discount)
DISCOUNT_WORDS = re.compile(r"折扣|现金折扣|discount|年化|成本|cost|划算|值得|值不值|拿不拿|要不要拿|该不该拿|\btake (?:it|the)\b|worth",
                            re.IGNORECASE)

# a message asking which day (a due date, a discount's last day), not what the terms cost
ASKS_DAY = re.compile(r"\bwhen\b|\bwhat date\b|\bwhich (?:day|date)\b|\blast day\b|\bby when\b|哪天|哪一天|几号|几月几[日号]|"
                      r"什么时候|最晚", re.IGNORECASE)


def detect(message: str, today: date | None = None) -> ToolRequest | None:
    """The tool request in ``message``, or ``None`` when it is for the knowledge core (``today``: what relative
    dates are read against; default the real today)."""
    text = message.strip()
    terms = parse_terms(text)
    if terms and MEANING.search(text) and not DISCOUNT_WORDS.search(text):
        terms = None  # terms with a word asking their meaning ("1/15 n/45 指的啥") ask for a definition
    if terms and ASKS_DAY.search(text) and not DISCOUNT_COST.search(text) and find_dates(text, today):
        terms = None  # terms with an invoice date, asking which day ("dated 5 May, last day for the discount?")
    if terms and (DISCOUNT_WORDS.search(text) or CALC_VERBS.search(text) or "?" in text or "？" in text):
        args = {"kind": "discount_cost", "discount_pct": terms.discount_pct, "discount_days": terms.discount_days,
                "net_days": terms.net_days}
        basis = parse_year_basis(text)
        if basis:
            args["basis_days"] = basis  # "按360天算": the year the user annualises over
        invoices = find_amounts(text)
        if len(invoices) == 1:
            args["invoice"] = invoices[0].value  # "这张发票100万": the discount in money too
        return ToolRequest("calc_ratio", args)
    partial = None if terms else parse_partial_terms(text)
    if partial and DISCOUNT_OF_TERMS.search(text) and DISCOUNT_COST.search(text):
        # "2/10的折扣年化成本": the cost needs the net term, which is asked for, never assumed
        return ToolRequest("calc_ratio", {"kind": "discount_cost", "discount_pct": partial[0],
                                          "discount_days": partial[1]}, ["net_days"])
    buyer_id = BUYER_ID.search(text) or USCC.search(text)
    if buyer_id:
        if LEDGER_WORDS.search(text):
            return ToolRequest("buyer_receivables", {"query": buyer_id.group(1).upper(), **ledger_window(text, today)})
        return ToolRequest("buyer_lookup", {"query": buyer_id.group(1).upper()})
    amounts = find_amounts(text)
    formula = _formula_question(text, amounts)
    if formula:
        return ToolRequest("formula", {"kind": formula})
    for kind, words in RATIO_WORDS.items():
        if words.search(text) and (amounts or EXPLICIT_CALC.search(text)) and not _knowledge(text, amounts):
            args, missing = fill_slots(kind, text, {})
            if amounts and not args:
                return None  # only the metric's own value is typed ("流动比率0.95 行不行"): judge it
            return ToolRequest("calc_ratio", {"kind": kind, **args}, missing)
    for spec in CALCULATORS:
        if spec.calculator.names.search(text) and (amounts or EXPLICIT_CALC.search(text)) and not _knowledge(text, amounts):
            args, missing = fill_slots(spec.name, text, {})
            if amounts and not set(args) & set(spec.calculator.slots):
                return None
            return ToolRequest(spec.name, args, missing, earlier=_earlier(text))
    if len(amounts) >= 2 and not CHANGE.search(text) and (
            ASKS_SHARE.search(text) or JUDGES.search(text) or not ASKS_OTHER.search(text)):
        for kind in KIND_SLOTS:
            args, missing = fill_slots(kind, text, {})
            if not missing and (ASKS_SHARE.search(text) or len(args) == len(amounts)):
                return ToolRequest("calc_ratio", {"kind": kind, **args})
    if len(amounts) >= 2 and not KNOWLEDGE_MARKERS.search(text):
        # "AR 3.2M sales 9.6M quarter": receivables and sales typed, no metric named: that is a DSO.
        args, missing = fill_slots("calc_dso", text, {})
        if "receivables" in args and "credit_sales" in args:
            return ToolRequest("calc_dso", args, missing)
    if amounts:
        return None
    return buyer_by_name(text, today)


def _earlier(text: str) -> tuple[float, str] | None:
    found = find_earlier(text)
    return (found.value, found.unit) if found else None


def _formula_question(text: str, amounts: list[Amount]) -> str | None:
    """The calculator a "how is X computed" question without numbers is about ("DSO怎么算" -> ``calc_dso``)."""
    if amounts or not HOW_COMPUTED.search(text):
        return None
    for kind, words in RATIO_WORDS.items():
        if words.search(text):
            return kind
    for spec in CALCULATORS:
        if spec.calculator.names.search(text):
            return spec.name
    if DISCOUNT_NAME.search(text):
        return "discount_cost"
    return None


def _knowledge(text: str, amounts: list[Amount]) -> bool:
    """A question about a concept rather than a calculation (numbers given settle it)."""
    return not amounts and bool(KNOWLEDGE_MARKERS.search(text))
