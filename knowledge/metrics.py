"""What the knowledge base says about a metric, for judging a tool result against the articles.

``facts_about(facts, "DSO")`` returns the thresholds, definitions and figures the articles state
about DSO (under any of its names in ``lexicon.yaml``), each with its source sentence and article;
``definition_of`` the article's own definition of a metric (it wins over a generic formula).
"""

from __future__ import annotations

import re

from knowledge.facts import Fact
from knowledge.lexicon import metric_aliases

# Thresholds first (they judge a value), then definitions, then other figures.
_ORDER = {"threshold": 0, "definition": 1, "duration": 2, "percent": 3, "amount": 4, "step": 5}


def names_of(subject: str) -> list[str]:
    """Every name of ``subject``: its aliases when it is a known metric, else itself."""
    lowered = subject.strip().lower()
    for canonical, aliases in metric_aliases().items():
        if lowered == canonical.lower() or lowered in (a.lower() for a in aliases):
            return [canonical, *aliases]
    return [subject.strip()]


def metrics_named(text: str) -> list[str]:
    """The metrics ``text`` names by any of their names ("周转天数同比多了三成" -> ``["DSO"]``), in lexicon order."""
    lowered = text.lower()
    return [m for m, aliases in metric_aliases().items() if any(a.lower() in lowered for a in aliases)]


def definition_of(facts: list[Fact], metric: str) -> Fact | None:
    """The articles' own definition of ``metric`` (under any of its names), or None when they give none."""
    return next((f for f in facts_about(facts, metric) if f.kind == "definition" and f.detail), None)


def facts_about(facts: list[Fact], subject: str) -> list[Fact]:
    """The facts whose subject names the metric, or, for thresholds and figures, whose sentence does.

    Args:
        facts: every fact of the knowledge base (``KnowledgeBase.facts()``).
        subject: a metric name (``DSO``, ``逾期率``, ``流动比率``...) or any term.

    Returns:
        Matching facts, thresholds first; empty when the articles say nothing about it.
    """
    names = [n.lower() for n in names_of(subject) if n]
    found = []
    for fact in facts:
        own = fact.subject.lower()
        if any(n in own for n in names) or (
            fact.kind == "threshold" and any(n in _clause(fact).lower() for n in names)
        ):
            found.append(fact)
    return sorted(found, key=lambda f: _ORDER.get(f.kind, 9))


def _clause(fact: Fact) -> str:
    """The words of a threshold's sentence from the last separator up to its value (its metric, however written)."""
    value = f"{fact.value:g}" if fact.value is not None else ""
    at = fact.sentence.find(fact.detail + value) if value else -1
    if at < 0:
        return fact.subject
    return re.split(r"[，,、；;：:。]", fact.sentence[:at])[-1]
