"""Every figure in an answer must appear in a cited source, the user's question, or a computed result.

A sentence the bot writes itself may only restate what a cited sentence says; this is the check, in
code. Figures are compared as numbers after Chinese numerals are read (九十天 = 90天) and thousands
separators dropped (8,300 = 8300).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from knowledge.numerals import arabic_figures

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CITATION = re.compile(r"\[\d+\]")


def numbers(text: str) -> set[str]:
    """The numbers in ``text`` (citation markers ignored), in canonical form (``30.0`` -> ``30``)."""
    text = _CITATION.sub("", arabic_figures(text))
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    return {_canonical(n) for n in _NUMBER.findall(text)}


def _canonical(number: str) -> str:
    value = float(number)
    return str(int(value)) if value == int(value) else f"{value:g}"


def ungrounded(answer: str, sources: Iterable[str], allowed: Iterable[str] = ()) -> set[str]:
    """The numbers in ``answer`` found in none of ``sources`` (cited sentences, tool results) nor ``allowed``.

    Args:
        answer: the answer text.
        sources: the texts the answer cites, and any tool results.
        allowed: texts whose numbers may appear too: the user's question, values computed from the facts.
    """
    known: set[str] = set()
    for text in [*sources, *allowed]:
        known |= numbers(text)
    return numbers(answer) - known
