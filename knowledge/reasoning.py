"""Reasoning with the articles' facts and the user's own figures: the reasoners, tried in order.

- a credit term the user gives (:mod:`knowledge.due_dates`): the day their invoice falls due and is overdue;
- deadlines and schedules (:mod:`knowledge.deadlines`): a deadline from a date the user gives, the event a
  time limit is counted from, where the user stands in a schedule of day-counted steps;
- thresholds (:mod:`knowledge.thresholds`): the user's figure, or the change between two of them, against the
  articles' threshold; a metric's warning level; a tool result judged (:func:`judge_metric`); a plain "no
  line" for a metric the articles name but set no threshold for;
- how long a debt has gone unpaid against the articles' "N天以上" lines (:mod:`knowledge.day_lines`);
- the user's amount worked out with an article's share, cut or gain (:mod:`knowledge.applying`): "400万 at 90%";
- procedures (:mod:`knowledge.procedures`): the n-th step of an ordered procedure, the step after the ones the
  user says are done, which of two steps is first;
- a term's meaning by the article's own definition (here).

Each finding is a :class:`~knowledge.findings.Finding`.
"""

from __future__ import annotations

from knowledge.applying import apply
from knowledge.day_lines import day_lines
from knowledge.deadlines import clock_start, deadline, elapsed_step, time_left
from knowledge.due_dates import due_date
from knowledge.conflicts import figures
from knowledge.english_figures import figure_phrase
from knowledge.english_terms import nouns, render
from knowledge.facts import Fact
from knowledge.findings import Finding, Relevance, best
from knowledge.procedures import next_step, nth_step, which_first
from knowledge.questions import Question
from knowledge.thresholds import benchmark, compare, judge_metric, no_norm


__all__ = ["REASONERS", "Finding", "define", "judge_metric", "reason"]


def define(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """What a term means, by the article's own definition (it wins over a generic one, and says so)."""
    if "definition" not in question.kinds:
        return None
    fact = best(facts, relevance, lambda f: f.kind == "definition" and f.subject[-3:] in question.text)
    if fact is None:
        return None
    if question.english:  # the term in English, the article's words quoted, and its figure in English after them
        return Finding(f"The articles define {render(fact.subject).strip('“”')} as “{fact.detail}”"
                       f"{_figure_in_english(fact.detail)}{{0}}.", (fact,))
    return Finding(f"按资料的定义，{fact.subject}指{fact.detail}{{0}}。", (fact,))


def _figure_in_english(detail: str) -> str:
    """": over 30 days (payment term)" for a definition holding a figure, so an English reader gets it; else ""."""
    found = figures(detail, levels_only=False)
    if not found or not found[0].text:
        return ""
    named = nouns(detail)
    return f": {figure_phrase(detail, found[0].text)}" + (f" ({', '.join(named[:2])})" if named else "")


REASONERS = (due_date, deadline, clock_start, elapsed_step, time_left, apply, day_lines, compare, nth_step, next_step, which_first, benchmark, no_norm, define)


def reason(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """The first finding any reasoner makes for the question, or None."""
    for reasoner in REASONERS:
        finding = reasoner(question, facts, relevance)
        if finding is not None:
            return finding
    return None
