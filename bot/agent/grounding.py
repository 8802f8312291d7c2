"""The agent's guardrail on figures and citations: nothing it says may be a number it was not given.

A *figure* is a number in the answer: an amount (``500万``, ``1,200,000``), a percentage (``12.5%``,
``百分之九十``), a duration (``30-60个工作日``, ``九十天``), a ratio or a date part. Every figure must
appear, with the same value at the precision the answer writes it (``49.96`` may be said as ``50``),
in a passage the answer cites or in a tool result. Citation markers ``[n]``, list numbering and
ordinals (``第3步``, ``（1）``) are not figures; Chinese numerals count only before a unit of time,
money, rate or multiple, since ``一个`` and ``两种`` are words, not claims.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tools.numbers import chinese_to_number

# [1], [1][2], and as models also write them: [1, 2], 【1】, ［1］
CITATION = re.compile(r"[\[【［]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]】］]")
_NUMBER = re.compile(r"\d+")
_LIST_MARK = re.compile(r"^\s*\d+\s*[.、)）]\s*", re.MULTILINE)
_CN_DIGITS = "零〇一二两三四五六七八九十百千万萬亿億"
_ORDINAL = re.compile(rf"第\s*(?:\d+|[{_CN_DIGITS}]+)|[（(]\s*\d+\s*[)）]")  # 第3步, 第三年, （1）: order, not a claim
_ARABIC = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>%|％|百万|千万|万|萬|亿|億|千(?![克米瓦]))?"
)
_CN_PERCENT = re.compile(rf"百分之(?P<num>[{_CN_DIGITS}]+(?:点[{_CN_DIGITS}]+)?)")
_CN_QUANTITY = re.compile(
    rf"(?P<num>[{_CN_DIGITS}]+)\s*(?=个?工作日|个?月|天|日|年|周|星期|个?小时|倍|成|%|元|块)"
)
# Where a figure or a citation may begin: text before the first such character can be shown at once.
FIGURE_START = re.compile(rf"[\d\[【［{_CN_DIGITS}]")
_SCALE = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8, "千": 1e3, "百万": 1e6, "千万": 1e7}


@dataclass(frozen=True)
class Figure:
    """A number as the answer states it: its value and half a unit of its last written digit."""

    text: str
    value: float
    tolerance: float


def _decimals(number: str) -> int:
    return len(number.split(".", 1)[1]) if "." in number else 0


def _arabic_figures(text: str) -> Iterable[Figure]:
    for m in _ARABIC.finditer(text):
        number, unit = m.group("num"), m.group("unit")
        value = float(number.replace(",", ""))
        tolerance = 0.5 * 10 ** -_decimals(number)
        if unit in ("%", "％"):
            yield Figure(m.group(), value / 100, tolerance / 100)
        else:
            scale = _SCALE.get(unit or "", 1.0)
            yield Figure(m.group(), value * scale, tolerance * scale)


def _chinese_figures(text: str) -> Iterable[Figure]:
    for m in _CN_PERCENT.finditer(text):
        whole, _, fraction = m.group("num").partition("点")
        value = chinese_to_number(whole)
        if value is not None:
            digits = "".join(str(int(chinese_to_number(ch) or 0)) for ch in fraction)
            number = float(f"{int(value)}.{digits}") if digits else value
            yield Figure(m.group(), number / 100, 0.5 * 10 ** -len(digits) / 100)
    for m in _CN_QUANTITY.finditer(text):
        value = chinese_to_number(m.group("num"))
        if value is not None and value > 1 and not text[max(0, m.start() - 3) : m.start()].endswith("百分之"):
            yield Figure(m.group(), value, 0.5)


def figures(text: str) -> list[Figure]:
    """The figures stated in an answer (citation markers and list numbering left out)."""
    text = _ORDINAL.sub(" ", _LIST_MARK.sub(" ", CITATION.sub(" ", text)))
    return [*_arabic_figures(text), *_chinese_figures(text)]


def evidence_values(texts: Iterable[str]) -> list[float]:
    """Every value a passage or a tool result states, as :func:`figures` would read it.

    A bare number may be a percentage written without its sign (``"value": 36.7``), so its
    hundredth counts too.
    """
    values: list[float] = []
    for text in texts:
        for figure in figures(text):
            values.append(figure.value)
            if "%" not in figure.text and "％" not in figure.text:
                values.append(figure.value / 100)
    return values


def tool_evidence(name: str, args: dict[str, Any], result: Any) -> str:
    """A tool call as evidence text: its inputs and its result."""
    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, default=str)

    return f"{name} {dump(args)} {dump(result)}"


def ungrounded(text: str, evidence: Iterable[str]) -> list[str]:
    """The figures of ``text`` that no evidence text states; empty when every figure is backed."""
    values = evidence_values(evidence)
    return [
        f.text
        for f in figures(text)
        if not any(abs(v - f.value) <= f.tolerance + 1e-9 * max(1.0, abs(v)) for v in values)
    ]


def cited(text: str) -> list[int]:
    """The passage numbers ``[n]`` cited in ``text``, in order of first citation."""
    seen: dict[int, None] = {}
    for group in CITATION.findall(text):
        for n in _NUMBER.findall(group):
            seen.setdefault(int(n), None)
    return list(seen)


def renumber(text: str, order: list[int]) -> str:
    """``text`` with its citations written ``[n]``, each number its position in ``order`` (order of first citation)."""
    position = {n: i for i, n in enumerate(order, start=1)}
    return CITATION.sub(lambda m: "".join(f"[{position[int(n)]}]" for n in _NUMBER.findall(m.group(1))), text)
