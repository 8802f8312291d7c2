"""English first sentences that name lines, lists and steps: the articles' warning lines ("current ratio
below 1.2"), the items a sentence lists, the steps of a procedure in order. Split from :mod:`knowledge.english`,
which tries them among its other leads."""

from __future__ import annotations

import re

from knowledge.conflicts import figures
from knowledge.english_asked import ASKS_STEPS, names
from knowledge.english_figures import UNITS, figure_phrase
from knowledge.english_parts import Parts
from knowledge.english_parts import done_nouns as _done
from knowledge.english_parts import joined as _and
from knowledge.english_parts import short as _short
from knowledge.english_terms import head_noun, render
from knowledge.formatting import Citations, strip_end

LIST_START = re.compile(r"包括|包含|涵盖|如下|[：:]")
_ITEM = re.compile(r"、|以及|及|和|或")


def named_lines(parts: Parts, citations: Citations) -> str:
    """The warning line of the metric the question names, in whichever chosen sentence states it."""
    return thresholds(parts, citations, named_only=True)


def thresholds(parts: Parts, citations: Citations, named_only: bool = False) -> str:
    """The articles' warning lines in the lead sentence ("current ratio below 1.2"), the asked metric's alone
    when the question names one."""
    if not parts.chosen:
        return ""
    lead = parts.chosen[0]
    lines = [f for f in parts.facts_of(lead) if f.kind == "threshold" and f.value is not None
             and f.unit in ("", "%", "％")]  # (a number of days is a time limit: english_gist says it)
    named = [f for f in lines if names(parts.question.text, f.subject, [render(f.subject)])]
    if named_only and not named:
        return ""
    if not lines or not (named or "threshold" in parts.question.kinds or parts.asks_figure or parts.asks_list):
        return ""
    said = [f"{render(f.subject)} {'over' if f.comparator == '>' else 'below'} {f.value:g}{UNITS.get(f.unit, f.unit)}"
            for f in (named or lines)[:3]]  # (levels only: a share or a bare ratio)
    kind = "warning line" if len(said) == 1 else "warning lines"
    return f"The articles' {kind}: {_and(said)}{citations.mark(lead.doc_id, lead.text)}."


def steps(parts: Parts, citations: Citations) -> str:
    """The steps in order, each by its known nouns and its figure ("first reminder letter (within 3 days), then …")."""
    if not parts.chosen or not ("step" in parts.question.kinds or ASKS_STEPS.search(parts.question.text)):
        return ""
    lead = parts.chosen[0]
    steps = [f.detail for f in sorted((f for f in parts.facts_of(lead) if f.kind == "step"), key=lambda f: f.position)]
    if len(steps) < 2:  # "分阶段推进：A；B；C": the parts after the colon
        steps = re.split(r"[；;]", strip_end(re.split(r"[：:]", lead.text, maxsplit=1)[-1]))
    if len(steps) < 2:
        return ""
    steps = steps[:5]
    said = [f"{'first' if n == 0 else 'finally' if n == len(steps) - 1 else 'then'} {step(item)}" for n, item in enumerate(steps)]
    return f"In order: {', '.join(said)}{citations.mark(lead.doc_id, lead.text)}."


def step(text: str) -> str:
    """One step in English: its known nouns with its figure ("reminder letter (within 3 days)"), else quoted."""
    found = next((f for f in figures(text, levels_only=False) if f.text), None)
    when = f" ({figure_phrase(text, found.text)})" if found else ""
    known = _done(text, found.text if found else "")
    return f"{_and(known)}{when}" if known else f"“{_short(text)}”"


def listed(parts: Parts, citations: Citations) -> str:
    """For a question asking several things: the items the lead sentence lists, each in English or quoted."""
    if not parts.chosen or not parts.asks_list:
        return ""
    lead = parts.chosen[0]
    start = LIST_START.search(lead.text)
    listed = lead.text[start.end() :] if start else lead.text
    items = [i for i in (s.strip(" 。，,；;等") for s in _ITEM.split(strip_end(listed))) if len(i) >= 2]
    if len(items) < 2:
        return ""
    # an item the glossary cannot render whole is named by its head noun when it knows that ("…采用预付款": prepayment)
    said = [n if render(_short(i)).startswith("“") and (n := head_noun(i)) else render(_short(i)) for i in items[:5]]
    return f"The articles list {_and(said)}{citations.mark(lead.doc_id, lead.text)}."
