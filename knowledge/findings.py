"""What the reasoners produce, and the small helpers they share.

A :class:`Finding` is a lead sentence in the user's terms whose placeholders ``{0}``, ``{1}`` are the citation
markers of the facts it rests on; the figures it computes are listed as ``derived`` (the grounding check
accepts them, nothing else).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from knowledge.facts import Fact


MIN_RELEVANCE = 0.2  # a fact must share this much (IDF-weighted) of the question's terms to be used


@dataclass(frozen=True)
class Finding:
    """The answer's first sentence, worked out from facts.

    Attributes:
        lead: the sentence, with ``{0}``, ``{1}`` ... where the citation of ``facts[i]`` goes.
        facts: the facts it rests on (their sentences are cited).
        derived: figures computed here (dates, changes) that appear in no source.
        judges: False when the lead only says what the articles offer instead of a verdict on the figure
            (a line on its change, a sentence naming it); a caller may leave such a lead out unless asked.
        whole: the lead quotes what it rests on (the steps of a schedule): no supporting sentence follows.
    """

    lead: str
    facts: tuple[Fact, ...]
    derived: tuple[str, ...] = ()
    judges: bool = True
    whole: bool = False


Relevance = Callable[[Fact], float]


def num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


_EN_UNITS = {"天": " days", "日": " days", "工作日": " working days", "个月": " months", "月": " months", "年": " years"}


def en_unit(unit: str) -> str:
    """A Chinese unit in English words (" days"); "%" and other units as they are."""
    return _EN_UNITS.get(unit, unit)


def best(facts: list[Fact], relevance: Relevance, accept: Callable[[Fact], bool]) -> Fact | None:
    scored = [(relevance(f), n, f) for n, f in enumerate(facts) if accept(f)]
    scored = [s for s in scored if s[0] >= MIN_RELEVANCE]
    return max(scored, key=lambda s: (s[0], -s[1]))[2] if scored else None
