"""Reading numbers out of chat messages: amounts, periods and payment terms.

Handles Arabic and Chinese numerals with their units as sales reps type them::

    500万 -> 5_000_000        1.2亿 -> 120_000_000      三千五百万 -> 35_000_000
    两百万 -> 2_000_000        一千二百万元 -> 12_000_000 720k / 2.5m / 1.62M / 1,200,000
    九十天 -> 90 days          上季度 / 一季度 / this quarter -> 90   一年 / 年度 / annual -> 365
    上个月 / 一个月 -> 30        半年 -> 180                 过去60天 -> 60
    1/10 Net 45 -> Terms(discount_pct=1, discount_days=10, net_days=45)

All functions are pure and never raise on odd input; they return ``None`` (or an empty list)
when nothing is found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.dates import find_dates, without_dates
from tools.numerals import CN_CHARS as _CN_CHARS
from tools.numerals import chinese_to_number


# Suffix multipliers after an Arabic number.
_SUFFIX = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8, "千": 1e3, "百万": 1e6, "千万": 1e7, "k": 1e3, "K": 1e3,
           "m": 1e6, "M": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "b": 1e9, "billion": 1e9, "w": 1e4, "W": 1e4}

_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_ARABIC_AMOUNT = re.compile(
    rf"(?P<num>{_ARABIC})(?:\s*个?(?P<suffix>百万|千万|万|萬|亿|億|千|million|billion|mn|bn|[kKmMbwW](?![a-zA-Z])))?"
)
# "一个亿", "两个亿": a measure word before the big unit, as people say it.
_CHINESE_AMOUNT = re.compile(rf"[{_CN_CHARS}]+(?:个[亿億万萬][{_CN_CHARS}]*)?")
# What makes a number a duration, a percentage or a count rather than money.
_NOT_MONEY_AFTER = re.compile(
    r"\s*(?:个月|个季度|天|日|days?\b|months?\b|years?\b|年|月|季度|%|％|percent|倍|家|个|次|条|笔|号|周(?!期)|星期|小时|分钟|级|分(?!钱))"
)
_DAY_PERIOD = re.compile(rf"(?P<num>\d+|[{_CN_CHARS}]+)[\s-]*(?:个)?\s*(?:天|日|days?\b)", re.IGNORECASE)
# English number words a period is written with ("the past two months").
_EN_NUMBERS = {w: n for n, w in enumerate("one two three four five six seven eight nine ten eleven twelve".split(), 1)}
_MONTH_PERIOD = re.compile(
    rf"(?P<num>\d+|[{_CN_CHARS}]+)\s*个?\s*月|\b(?P<en>\d+|{'|'.join(_EN_NUMBERS)})[\s-]*months?\b", re.IGNORECASE
)
_TERMS = re.compile(
    r"(?P<pct>\d+(?:\.\d+)?)\s*%?\s*/\s*(?P<days>\d+)\s*(?:天|日|days?)?\s*[,，、]?\s*(?:net|n)\s*/?\s*(?P<net>\d+)",
    re.IGNORECASE
)
_TERMS_CN = re.compile(
    r"(?P<days>\d+)\s*[天日]内付款[^，。,;；]*?(?P<pct>\d+(?:\.\d+)?)\s*%\s*(?:的)?折扣[^。;；]*?(?P<net>\d+)\s*[天日]"
)

_PERIOD_WORDS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"半年|half[- ]?year|six months|6 months", re.IGNORECASE), 180),
    (re.compile(r"[上本这今一每]?个?季度|[上本这今每当]季(?!节)|\bquarter(?:ly)?\b|\bq[1-4]\b", re.IGNORECASE), 90),
    (re.compile(r"[上本这今一每]?个月|[上本当]月(?![底末初])|月度|\bmonth(?:ly)?\b", re.IGNORECASE), 30),
    (re.compile(r"[一全]年|年度|年化|年(?=销售|赊销|营收|营业|收入)|去年|今年|每年|\bannual(?:ly)?\b|\byear(?:ly)?\b|\bper year\b|\bp\.?a\.?\b", re.IGNORECASE), 365),
]


# "上年同期41天", "前年77天", "上季度DSO才53天": the metric's value in an earlier period, not a period length.
_EARLIER = re.compile(
    r"(?:去年同期|去年|上年同期|上年|前年|上一?个?季度|上个?月|上期|同期|以前|之前|原来|原先|last (?:year|quarter|month)|previously)"
    r"[^\d，,。；;！!？?]{0,8}?(?P<num>\d+(?:\.\d+)?|[零一二两三四五六七八九十百]+)\s*(?P<unit>天|日|days?\b|%|％)",
    re.IGNORECASE,
)


_PERIOD_GLOSS = re.compile(r"[(（]|按|以|计")
# "同行一般60天左右", "行业平均45天": a usual value of the metric the user compares with, not a period
_NORM = re.compile(r"(?:一般|平均|通常|行业|同行|正常)[^\d，,。；;！!？?]{0,6}?\d+(?:\.\d+)?\s*(?:天|日)(?:左右|上下)?")


@dataclass(frozen=True)
class Earlier:
    """The value a metric had in an earlier period, as the user typed it ("上年同期41天")."""

    value: float
    unit: str
    start: int
    end: int


@dataclass(frozen=True)
class Amount:
    """A money amount found in a text, with where it was found."""

    value: float
    start: int
    end: int


@dataclass(frozen=True)
class Terms:
    """Early-payment discount terms such as ``2/10 Net 30``."""

    discount_pct: float
    discount_days: int
    net_days: int


def parse_amount(text: str) -> float | None:
    """The first money amount in ``text`` (``500万`` -> 5000000.0), or ``None``."""
    amounts = find_amounts(text)
    return amounts[0].value if amounts else None


def find_amounts(text: str) -> list[Amount]:
    """Every money amount in ``text``, in order; durations, percentages, terms and dates are skipped."""
    taken = [m.span() for m in _TERMS.finditer(text)] + [(d.start, d.end) for d in find_dates(text)]
    found: list[Amount] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for m in _ARABIC_AMOUNT.finditer(text):
        start, end = m.span()
        if not free(start, end):
            continue
        suffix = m.group("suffix")
        if not suffix and _NOT_MONEY_AFTER.match(text, end):
            continue
        if not suffix and _is_id_fragment(text, start, end):
            continue
        value = float(m.group("num").replace(",", "")) * (_SUFFIX[suffix] if suffix else 1)
        end = _swallow_currency(text, end)
        found.append(Amount(value, start, end))
        taken.append((start, end))
    for m in _CHINESE_AMOUNT.finditer(text):
        start, end = m.span()
        if not free(start, end):
            continue
        value = chinese_to_number(m.group().replace("个", ""))
        if value is None or _NOT_MONEY_AFTER.match(text, end):
            continue
        # "一" on its own is mostly a word ("一共", "一下"), not money.
        if value < 100 and not re.match(r"\s*(?:元|块|rmb|cny)", text[end:], re.IGNORECASE):
            continue
        found.append(Amount(value, start, _swallow_currency(text, end)))
    found.sort(key=lambda a: a.start)
    return found


def _is_id_fragment(text: str, start: int, end: int) -> bool:
    """True for digits inside an id such as ``CN1007`` or ``INV-CN1000-001``."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return bool(re.match(r"[A-Za-z\-_/]", before) or re.match(r"[A-Za-z\-_]", after))


def _swallow_currency(text: str, end: int) -> int:
    m = re.match(r"\s*(?:元人民币|元|块钱|块|人民币|rmb|cny|yuan)", text[end:], re.IGNORECASE)
    return end + m.end() if m else end


def find_earlier(text: str) -> Earlier | None:
    """The earlier period's value of a metric in ``text`` ("前年77天" -> 77 天), or ``None``."""
    # "上季度(按90天)": a period stated for the earlier word, not the metric's earlier value
    m = _EARLIER.search(text)
    while m and _PERIOD_GLOSS.search(text[m.start() : m.start("num")]):
        m = _EARLIER.search(text, m.start() + 1)  # "跟去年比（去年同期50天）": the later word is the one
    value = _number(m.group("num")) if m else None
    if not m or value is None:
        return None
    unit = "%" if m.group("unit") in ("%", "％") else "天"
    return Earlier(value, unit, m.start(), m.end())


def parse_period_days(text: str) -> int | None:
    """The period a message talks about, in days (``上季度`` -> 90, ``过去60天`` -> 60), or ``None``.

    An earlier period's value of the metric ("上年同期41天") is not a period, nor is a date ("10月31日", "上个月底").
    """
    text = without_dates(text)
    earlier = find_earlier(text)
    if earlier:
        text = text[: earlier.start] + " " + text[earlier.end :]
    text = _NORM.sub(" ", text)
    day = _DAY_PERIOD.search(text)
    if day:
        value = _number(day.group("num"))
        if value and not _inside_terms(text, day.start()):
            return int(value)
    month = _MONTH_PERIOD.search(text)
    if month:
        value = _number(month.group("num") or month.group("en"))
        if value and value != 1:
            return int(value * 30)
    for pattern, days in _PERIOD_WORDS:
        if pattern.search(text):
            return days
    return None


def _inside_terms(text: str, pos: int) -> bool:
    return any(m.start() <= pos < m.end() for m in _TERMS_CN.finditer(text))


def _number(token: str | None) -> float | None:
    if not token:
        return None
    if token.lower() in _EN_NUMBERS:
        return float(_EN_NUMBERS[token.lower()])
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return float(token)
    return chinese_to_number(token)


# "按360天算", "一年按365日计", "360-day year": the days a year counts when a rate is annualised.
_YEAR_BASIS = re.compile(r"(?<!\d)(?P<days>360|365)\s*-?\s*(?:天|日|days?\b|-day\b)", re.IGNORECASE)


def parse_year_basis(text: str) -> int | None:
    """The days of the year a rate is annualised over when the message says so (360 or 365), else ``None``."""
    m = _YEAR_BASIS.search(text)
    return int(m.group("days")) if m else None


# "2/10" with no net term after it: the discount and its days, the net term still to be asked for.
_PARTIAL_TERMS = re.compile(r"(?<![\d/.])(?P<pct>\d+(?:\.\d+)?)\s*%?\s*/\s*(?P<days>\d+)(?![\d/.])(?!\s*[,，、]?\s*(?:net|n)\b)",
                            re.IGNORECASE)
_NET_DAYS = re.compile(r"\b(?:net|n)\s*/?\s*(?P<net>\d+)|(?P<days>\d+)\s*(?:天|日|days?\b)", re.IGNORECASE)


def parse_partial_terms(text: str) -> tuple[float, int] | None:
    """The discount and its days of terms written without their net term ("2/10" -> (2.0, 10)), else ``None``."""
    m = _PARTIAL_TERMS.search(text)  # a date reads the same ("2/10"): the caller asks for a discount word too
    if not m:
        return None
    pct, days = float(m.group("pct")), int(m.group("days"))
    return (pct, days) if 0 < pct < 100 and days > 0 else None


def parse_net_days(text: str) -> int | None:
    """The net term a reply gives ("net 45", "45天付清", "60天") in days, else ``None``."""
    m = _NET_DAYS.search(text)
    return int(m.group("net") or m.group("days")) if m else None


def parse_terms(text: str) -> Terms | None:
    """Early-payment terms (``1/10 Net 45``, ``2/10 n/30``, ``10天内付款享2%折扣，30天付清``) or ``None``."""
    m = _TERMS.search(text) or _TERMS_CN.search(text)
    if not m:
        return None
    pct, days, net = float(m.group("pct")), int(m.group("days")), int(m.group("net"))
    if not 0 < pct < 100 or net <= days:
        return None
    return Terms(pct, days, net)
