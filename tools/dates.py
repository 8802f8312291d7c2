"""Reading the dates users type ("截至2025年的3月31日", "3/31", "上月底", "as of Mar 31, 2025") as calendar days.

One reader for every form, so that a ledger question gets its as-of date and the rest of the message is
read without it (the "31日" of a date is no 31-day period, its "2025" no amount):

* with a year (or 今年 / 去年 / 前年): ``2025-03-31``, ``2025/03/31``, ``2025.03.31``, ``2025年3月31日``, ``2025年的3月31号``,
  ``二〇二五年三月三十一日``, ``2025年3月底``, ``03/31/2025`` (day first when the first number is over 12),
  ``Mar 31, 2025``, ``31 March 2025``;
* without one (``3月31号``, ``3/31``, ``三月底``, ``end of September``): the latest such day not after today;
* relative to today: ``今天``, ``昨天``, ``上月底``, ``本月底``, ``月底`` / ``月末`` / ``month end`` (the latest month
  end not after today), ``上季度末``, ``季末``, ``三季度末`` / ``Q3 end``, ``去年底``, ``年底``;
* two dates joined by 到/至/to are a span of days (:func:`find_range`).

No library: dateparser reads many of these but is not installed, is heavy (regex tables for 200 languages)
and misses the accounting forms (上月底, 季末); dateutil, installed only as a dependency of a dependency,
reads English forms alone and guesses at anything else.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from tools.numerals import chinese_to_number

_N = r"\d{1,2}|[一二三四五六七八九十]{1,3}"  # a month or a day
_Y = r"\d{4}|[〇零一二三四五六七八九]{4}|[今去前]"  # a year: in digits, read digit by digit, or 今年/去年/前年
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAME = (r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
               r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?")
_END = r"(?:底|末|最后一天)"


_RANGE_LINK = re.compile(r"\s*(?:到|至|~|～|-|–|—|to|through|till|until|and)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    """A date found in a text, with where it was found."""

    day: date
    start: int
    end: int


def _number(token: str) -> int:
    """``"31"``, ``"三十一"``, ``"十"``, ``"二〇二六"`` as an int."""
    return int(token) if token.isdigit() else int(chinese_to_number(token) or 0)


def _year(token: str, today: date) -> int:
    """The year a token before 年 names: ``"2026"``, ``"二〇二六"``, or this year / last year / the year before."""
    back = "今去前".find(token)
    return today.year - back if back >= 0 else _number(token)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _latest(today: date, month: int, day: int | None) -> date:
    """The latest ``month``/``day`` (``None``: the month's end) not after today."""
    this_year = _month_end(today.year, month) if day is None else date(today.year, month, day)
    if this_year <= today:
        return this_year
    return _month_end(today.year - 1, month) if day is None else date(today.year - 1, month, day)


def _last_month_end(today: date) -> date:
    return today.replace(day=1) - timedelta(days=1)


def _last_quarter_end(today: date) -> date:
    return date(today.year, (today.month - 1) // 3 * 3 + 1, 1) - timedelta(days=1)


def _ymd(m: re.Match[str], today: date) -> date:
    return date(_year(m["y"], today), _number(m["m"]), _number(m["d"]))


def _us(m: re.Match[str], today: date) -> date:
    first, second = int(m["a"]), int(m["b"])
    month, day = (second, first) if first > 12 else (first, second)
    return date(int(m["y"]), month, day)


def _named_month(m: re.Match[str], today: date) -> date:
    month = _MONTHS.index(m["mon"][:3].lower()) + 1
    day = int(m["d"]) if m["d"] else None
    if m["y"]:
        return date(int(m["y"]), month, day) if day else _month_end(int(m["y"]), month)
    return _latest(today, month, day)


def _quarter_end(m: re.Match[str], today: date) -> date:
    """The end of the quarter named by its number ("三季度末", "Q3 end"): of the year given, else the latest."""
    month = 3 * _number(m["q"] or m["q2"] or m["q3"])
    return _month_end(_year(m["y"], today), month) if m["y"] else _latest(today, month, None)


def _within_month(step: int) -> Callable[[re.Match[str], date], date]:
    """A month end relative to today's month: 0 this month's, -1 last month's."""
    return lambda m, today: _month_end(today.year, today.month) if step == 0 else _last_month_end(today)


# Most specific first: a later pattern never takes a span an earlier one has read.
_FORMS: list[tuple[re.Pattern[str], Callable[[re.Match[str], date], date]]] = [
    (re.compile(rf"(?<!\d)(?P<y>{_Y})\s*(?:年\s*(?:的\s*)?|[-/.])\s*(?P<m>{_N})\s*(?:月\s*(?:的\s*)?|[-/.])\s*(?P<d>{_N})"
                r"(?!\d)(?:\s*[日号])?"), _ymd),
    (re.compile(rf"(?<!\d)(?P<y>{_Y})\s*年\s*(?:的\s*)?(?P<m>{_N})\s*月份?\s*(?:的\s*)?{_END}"),
     lambda m, today: _month_end(_year(m["y"], today), _number(m["m"]))),
    (re.compile(rf"(?<!\d)(?P<y>{_Y})\s*年\s*(?:的\s*)?年?{_END}"), lambda m, today: date(_year(m["y"], today), 12, 31)),
    (re.compile(r"(?<![\d/.])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})(?!\d)"), _us),
    (re.compile(rf"\b{_MONTH_NAME}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s*(?P<y>\d{{4}})\b)?", re.IGNORECASE),
     _named_month),
    (re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_NAME}(?:,?\s*(?P<y>\d{{4}})\b)?", re.IGNORECASE),
     _named_month),
    (re.compile(rf"\bend of\s+{_MONTH_NAME}(?P<d>)(?:,?\s*(?P<y>\d{{4}})\b)?", re.IGNORECASE), _named_month),
    (re.compile(rf"(?<![\d年])(?P<m>{_N})\s*月\s*(?:的\s*)?(?P<d>{_N})\s*[日号]"),
     lambda m, today: _latest(today, _number(m["m"]), _number(m["d"]))),
    (re.compile(rf"(?<![\d年个])(?P<m>{_N})\s*月份?\s*(?:的\s*)?{_END}"),
     lambda m, today: _latest(today, _number(m["m"]), None)),
    (re.compile(r"(?<![\d/.])(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![\d/])(?!\s*[,，]?\s*(?:net|n)\s*/?\s*\d)", re.IGNORECASE),
     lambda m, today: _latest(today, int(m["m"]), int(m["d"]))),
    (re.compile(rf"上一?个?月月?{_END}|end of (?:the )?last month|last month[- ]end", re.IGNORECASE), _within_month(-1)),
    (re.compile(rf"(?:本|这个?|当)月月?{_END}|end of (?:this|the) month", re.IGNORECASE), _within_month(0)),
    (re.compile(rf"月{_END}|month[- ]end", re.IGNORECASE),
     lambda m, today: today if today == _month_end(today.year, today.month) else _last_month_end(today)),
    (re.compile(rf"上一?个?季度?{_END}|end of (?:the )?last quarter", re.IGNORECASE),
     lambda m, today: _last_quarter_end(today)),
    (re.compile(rf"(?:(?P<y>{_Y})\s*年\s*(?:的\s*)?)?(?<![上本这当\dA-Za-z])第?\s*(?P<q>[1-4一二三四])\s*季度?\s*{_END}|"
                r"\bq(?P<q2>[1-4])\s*(?:末|end\b)|\bend of q(?P<q3>[1-4])\b", re.IGNORECASE), _quarter_end),
    (re.compile(rf"季度?{_END}|quarter[- ]end", re.IGNORECASE),
     lambda m, today: today if _last_quarter_end(today + timedelta(days=1)) == today else _last_quarter_end(today)),
    (re.compile(rf"(?:去年|上年)年?{_END}|年{_END}|end of (?:the )?last year|year[- ]end", re.IGNORECASE),
     lambda m, today: today if (today.month, today.day) == (12, 31) else date(today.year - 1, 12, 31)),
    (re.compile(r"昨天|昨日|yesterday", re.IGNORECASE), lambda m, today: today - timedelta(days=1)),
    (re.compile(r"今天|今日|\btoday\b", re.IGNORECASE), lambda m, today: today),
]


def find_dates(text: str, today: date | None = None) -> list[DateMention]:
    """Every date in ``text`` in order, read against ``today`` (default: the real one); impossible days skipped."""
    today = today or date.today()
    found: list[DateMention] = []
    for pattern, resolve in _FORMS:
        for m in pattern.finditer(text):
            if any(m.start() < f.end and f.start < m.end() for f in found):
                continue
            try:
                day = resolve(m, today)
            except ValueError:  # "2026-02-30", "13/45"
                continue
            found.append(DateMention(day, m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def find_range(text: str, today: date | None = None) -> tuple[date, date] | None:
    """The first span of days typed as two dates joined by 到/至/~/to ("7月1日到9月30日"): (first, last)."""
    found = find_dates(text, today)
    for a, b in zip(found, found[1:]):
        if _RANGE_LINK.fullmatch(text[a.end : b.start]):
            return min(a.day, b.day), max(a.day, b.day)
    return None


def without_dates(text: str) -> str:
    """``text`` with each date blanked out (same length), for readers of amounts and periods."""
    for mention in find_dates(text):
        text = text[: mention.start] + " " * (mention.end - mention.start) + text[mention.end :]
    return text
