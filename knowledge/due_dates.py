"""Reasoning about a credit term the user gives: the day an invoice falls due and the day it is overdue.

"3月15日发货，账期45天，哪天算逾期" -> due on 4月29日, overdue from 4月30日. The user's date and term are
the whole computation; the articles then say what their schedule does from the due date ("到期后3日内发出
正式催告函"), and that step is dated and cited. Without such a step the lead stands on the user's figures alone.
An English question gives its term as "net 60" (or "60 days terms"); with an early-payment discount ("2/10 net
30") and a question about the discount, the last day of the discount window is dated instead.
"""

from __future__ import annotations

import re
from datetime import timedelta

from knowledge.deadlines import cn_date, en_date, shift, within
from knowledge.facts import Fact
from knowledge.findings import Finding, Relevance, best, num
from knowledge.lexicon import event_synonyms, words
from knowledge.questions import Figure, Question

_TERM_WORDS = tuple(w.lower() for w in words("credit_term_words"))  # lexicon.yaml
_NEAR = 6  # characters between the term word and the user's number of days ("账期45天", "45天账期")
_FROM_DUE = ("到期", "逾期")  # event_synonyms keys of a clock that starts at the due date
# an English credit term: "net 60", "net60", "60 days terms", "60-day credit"; "2/10" before it is a discount
_EN_TERM = re.compile(r"(?:\b(?P<share>\d+(?:\.\d+)?)\s*/\s*(?P<window>\d+)\s*)?\bnet\s?(?P<net>\d+)\b|"
                      r"\b(?P<days>\d+)[\s-]*days?\s+(?:payment\s+)?(?:terms?|credit)\b", re.IGNORECASE)
_EN_DISCOUNT = re.compile(r"\bdiscount", re.IGNORECASE)


def _credit_term(question: Question) -> Figure | None:
    """The user's own credit term: a number of days (or months) with a credit-term word right next to it."""
    lowered = question.text.lower()
    for figure in question.figures:
        if figure.unit not in ("天", "个月"):
            continue
        around = lowered[max(0, figure.at - _NEAR) : figure.at + _NEAR + 3]
        if any(w in around for w in _TERM_WORDS):
            return figure
    return None


def _from_due(fact: Fact) -> bool:
    """A step the articles set within some days of the due date (or of the first day overdue): "到期后3日内发函"."""
    names = [w for key in _FROM_DUE for w in event_synonyms().get(key, [key])]
    return (fact.kind == "duration" and fact.comparator == "+" and fact.value is not None and bool(fact.detail)
            and within(fact) and any(n in fact.subject for n in names))


def due_date(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """The due date and first overdue day of the user's invoice, and the articles' next step dated from it."""
    if question.english:
        return _due_in_english(question, facts, relevance)
    term = _credit_term(question) if question.dates else None
    if term is None:
        return None
    start = min(question.dates, key=lambda d: abs(d[1] - term.at))[0]
    due = shift(start, term.unit, term.value)
    overdue = due + timedelta(days=1)
    step = best(facts, relevance, _from_due)
    lead = f"按{num(term.value)}{term.unit}账期，{cn_date(start)}起算，{cn_date(due)}到期，{cn_date(overdue)}起算逾期"
    derived = [cn_date(due), cn_date(overdue), cn_date(start)]
    if step is None or step.value is None:
        return Finding(lead + "。", (), tuple(derived))
    then = shift(due, step.unit, step.value2 or step.value)
    derived.append(cn_date(then))
    lead += f"；资料建议{step.subject}后{num(step.value)}{step.unit}内{step.detail}，即{cn_date(then)}前{{0}}。"
    return Finding(lead, (step,), tuple(derived))



def _due_in_english(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """:func:`due_date` for an English question ("invoiced Sept 1 on net 60, when is it due"), in English; or the
    last day of an early-payment discount the question asks about ("2/10 net 30 dated 5 Jan")."""
    term = _EN_TERM.search(question.text) if question.dates else None
    if term is None:
        return None
    start = min(question.dates, key=lambda d: abs(d[1] - term.start()))[0]
    net = int(term.group("net") or term.group("days"))
    due = shift(start, "天", net)
    if term.group("window") and _EN_DISCOUNT.search(question.text):
        window, share = int(term.group("window")), term.group("share")
        last = shift(start, "天", window)
        return Finding(f"{en_date(last)}: the {share}% discount holds for payment within {window} days of "
                       f"{en_date(start)}; the full amount is due {en_date(due)}.", (),
                       (en_date(last), en_date(start), en_date(due)))
    overdue = due + timedelta(days=1)
    lead = f"{en_date(due)}: {net} days after {en_date(start)}, overdue from {en_date(overdue)}"
    derived = [en_date(due), en_date(start), en_date(overdue)]
    step = best(facts, relevance, _from_due)
    if step is None or step.value is None:
        return Finding(lead + ".", (), tuple(derived))
    then = shift(due, step.unit, step.value2 or step.value)
    derived.append(en_date(then))
    return Finding(lead + f"; the articles' next step is due by {en_date(then)}: “{step.detail}”{{0}}.", (step,),
                   tuple(derived))
