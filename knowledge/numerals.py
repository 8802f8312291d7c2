"""Chinese numerals and amounts read as numbers (``九十天`` = ``90天``, ``1.2亿`` = 120000000)."""

from __future__ import annotations

import re

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
CN_RUN = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
# a Chinese numeral directly followed by a unit of measure is a figure ("九十天", "三十日内")
# (with a decimal part, "一点五倍"; "四个多月" counts too)
_CN_FIGURE = re.compile(r"[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?(?=个?多?(?:工作日|天|日|月|年|%|家|个国家|倍))")

# how users type amounts in a chat: digit groups ("2,400"), thousands and millions ("2,400k", "1.5M")
_GROUPED = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d,])")
_SCALED = re.compile(r"(?<![A-Za-z0-9.])(\d+(?:\.\d+)?)\s*(k|K|M|m|mn|million)(?![A-Za-z])")
_SCALE = {"k": 1_000, "K": 1_000, "M": 1_000_000, "m": 1_000_000, "mn": 1_000_000, "million": 1_000_000}

_PERCENT = re.compile(r"百分之(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?)")


def chinese_to_int(text: str) -> int | None:
    """The value of a Chinese numeral (``九十`` -> 90, ``一百二十`` -> 120, ``三万`` -> 30000), or None."""
    if not text or not any(c in _CN_DIGIT or c in _CN_UNIT for c in text):
        return None
    total, section, digit = 0, 0, None
    for char in text:
        if char in _CN_DIGIT:
            digit = _CN_DIGIT[char]
        elif char in _CN_UNIT:
            section += (1 if digit is None else digit) * _CN_UNIT[char]
            digit = None
        elif char in ("万", "亿"):
            section += digit or 0
            total += section * (10_000 if char == "万" else 100_000_000)
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def chinese_to_number(text: str) -> int | float | None:
    """The value of a Chinese numeral that may carry a decimal part (``四点五`` -> 4.5, ``十八`` -> 18), or None."""
    whole, point, decimals = text.partition("点")
    value = chinese_to_int(whole)
    if not point or value is None:
        return value
    digits = "".join(str(_CN_DIGIT[c]) for c in decimals if c in _CN_DIGIT)
    return float(f"{value}.{digits}") if digits and len(digits) == len(decimals) else None


def arabic_figures(text: str) -> str:
    """``text`` with Chinese-numeral figures written in digits (``逾期九十天`` -> ``逾期90天``).

    Only numerals directly before a unit change, so words such as ``一般`` or ``统一`` stay.
    """

    def sub(match: re.Match[str]) -> str:
        value = chinese_to_number(match.group(0))
        return match.group(0) if value is None else str(value)

    def percent(match: re.Match[str]) -> str:  # "百分之十八" / "百分之12.5" -> "18%" / "12.5%"
        number = match.group(1)
        value = number if number[0].isdigit() else chinese_to_number(number)
        return match.group(0) if value is None else f"{value}%"

    return _CN_FIGURE.sub(sub, _PERCENT.sub(percent, text))


def typed_amounts(text: str) -> str:
    """``text`` with amounts as a user types them read the Chinese way: ``2,400k`` -> ``240万``, ``1.5M`` ->
    ``150万``, ``2,600万`` -> ``2600万``. For questions only: article text keeps its own figures."""

    def scaled(match: re.Match[str]) -> str:
        value = float(match.group(1)) * _SCALE[match.group(2)] / 10_000
        return f"{value:.4f}".rstrip("0").rstrip(".") + "万"

    return _SCALED.sub(scaled, _GROUPED.sub(lambda m: m.group(0).replace(",", ""), text))
