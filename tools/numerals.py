"""Chinese numerals as numbers (``三千五百万``, ``九十``, ``二〇二六``), shared by amounts and dates."""

from __future__ import annotations

_DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "俩": 2, "三": 3, "叁": 3, "四": 4,
           "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
CN_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)


def chinese_to_number(text: str) -> float | None:
    """The value of a Chinese numeral (``三千五百万``, ``两百``, ``一亿二千万``, ``九十``); ``None`` if not one."""
    if not text or any(ch not in CN_CHARS for ch in text):
        return None
    if all(ch in _DIGITS for ch in text) and len(text) > 1:
        # Digit-by-digit reading ("一二零") rather than a counted number.
        return float(int("".join(str(_DIGITS[ch]) for ch in text)))
    total = 0.0  # everything above the current big unit
    section = 0.0  # the part below the current big unit
    digit: float | None = None
    prev_unit = 0  # the unit right before a final digit: "两千五" is 2500, "三万五" 35000
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
            prev_unit = prev_unit if digit else 0
            continue
        if ch in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
            prev_unit = _SMALL_UNITS[ch]
        else:
            unit = _BIG_UNITS[ch]
            section += digit or 0
            if section == 0 and total == 0:
                return None  # a bare "万" is not a number
            if total and unit > 10_000:
                total = (total + section) * unit
            else:
                total += section * unit
            section, digit = 0.0, None
            prev_unit = unit
    if digit and prev_unit >= 100 and text[-2] not in _DIGITS:
        digit *= prev_unit // 10
    return total + section + (digit or 0)
