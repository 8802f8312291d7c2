"""Unified social credit code (统一社会信用代码, GB 32100-2015) check digit.

18 characters from the code set ``0-9 A-H J-N P-R T U W-Y`` (no I, O, Z, S, V). Character ``i`` (0-based,
first 17) has weight ``3**i mod 31``; the check character is the one whose value is
``(31 - sum(value * weight) mod 31) mod 31``.
"""

from __future__ import annotations

CODE_SET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def check_char(first17: str) -> str:
    """The check character for the first 17 characters of a USCC.

    Raises:
        ValueError: when a character is outside the code set or the length is not 17.
    """
    if len(first17) != 17:
        raise ValueError("a USCC has 17 characters before its check character")
    try:
        total = sum(CODE_SET.index(ch) * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    except ValueError as e:
        raise ValueError(f"character outside the USCC code set in {first17!r}") from e
    return CODE_SET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a valid USCC, or ``None`` when it is."""
    if len(code) != 18:
        return f"USCC must have 18 characters (got {len(code)})"
    bad = [ch for ch in code if ch not in CODE_SET]
    if bad:
        return f"USCC contains characters outside the code set: {''.join(bad)!r}"
    expected = check_char(code[:17])
    if code[17] != expected:
        return f"USCC check character is {code[17]!r}, expected {expected!r}"
    return None
