"""Reasoning about ordered procedures: the n-th step, and which of two steps comes first.

A procedure is a sequence of ordered steps (首先/其次…, a list) or a schedule of day-counted steps in one
sentence ("逾期3日内发函；15天后发通知；30天起诉", :func:`knowledge.deadlines.schedule_steps`).
"""

from __future__ import annotations

import re

from knowledge.deadlines import schedule_steps
from knowledge.facts import Fact
from knowledge.findings import MIN_RELEVANCE, Finding, Relevance
from knowledge.lexicon import words
from knowledge.questions import Question


_CN_ORDINAL = "一二三四五六七八九十"
_NEXT = tuple(w.lower() for w in words("next_step_questions"))  # lexicon.yaml
_NAMES_STEP = 2  # shared character pairs that make a step one the user says is done ("信用调查做完了")


def _ordinal(n: int) -> str:
    return _CN_ORDINAL[n - 1] if 1 <= n <= len(_CN_ORDINAL) else str(n)


def nth_step(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """Step ``question.step`` of the most relevant ordered procedure (-1: its last step)."""
    if question.step == 0:
        return None
    scored = [(max(relevance(f) for f in steps), steps) for steps in _procedures(facts) if len(steps) >= question.step]
    scored = [s for s in scored if s[0] >= MIN_RELEVANCE]
    if not scored:
        return None
    steps = max(scored, key=lambda s: s[0])[1]
    step = steps[question.step - 1] if question.step > 0 else steps[-1]
    if question.english:
        return Finding(f"{'Step ' + str(question.step) if question.step > 0 else 'The last step'}: {step.detail}{{0}}.", (step,))
    if question.step < 0:
        return Finding(f"最后一步（第{_ordinal(len(steps))}步）是{step.detail}{{0}}。", (step,), (_ordinal(len(steps)),))
    return Finding(f"第{_ordinal(question.step)}步是{step.detail}{{0}}。", (step,))


def next_step(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """The step after the latest one the user says is done ("调查做完了，额度也设好了，下一步呢").

    The procedure is the one whose steps the question names most (then the most relevant); the done step is
    the latest of its steps the question names, so telling two finished steps moves on past both.
    """
    if question.step or not any(w in question.text.lower() for w in _NEXT):
        return None
    asked = _bigrams(question.text)
    best: tuple[tuple[int, float], list[Fact], int] | None = None
    for steps in _procedures(facts):
        named = [n for n, f in enumerate(steps) if len(asked & _bigrams(f.detail)) >= _NAMES_STEP]
        if not named or named[-1] == len(steps) - 1:
            continue
        key = (sum(len(asked & _bigrams(steps[n].detail)) for n in named), max(relevance(f) for f in steps))
        if key[1] >= MIN_RELEVANCE and (best is None or key > best[0]):
            best = (key, steps, named[-1])
    if best is None:
        return None
    steps, done = best[1], best[2]
    after = steps[done + 1]
    if question.english:
        return Finding(f"After that step ({steps[done].detail}), step {done + 2} is: {after.detail}{{0}}.", (steps[done], after))
    return Finding(f"下一步（第{_ordinal(done + 2)}步）是{after.detail}{{0}}。", (after,))


def _procedures(facts: list[Fact]) -> list[list[Fact]]:
    """The ordered step sequences of the articles, then their schedules of day-counted steps."""
    sequences: dict[tuple[str, str], list[Fact]] = {}
    for fact in facts:
        if fact.kind == "step":
            sequences.setdefault((fact.chunk_id, fact.subject), []).append(fact)
    return list(sequences.values()) + schedule_steps(facts)


# "先签保单还是先定好账期规则": which of two things comes first
_WHICH_FIRST = re.compile(r"先(?P<a>[^，,。；;？?]{2,20}?)\s*(?:还是|或者|or)\s*先?(?P<b>[^，,。；;？?]{2,24})")


def _bigrams(text: str) -> set[str]:
    han = re.sub(r"[^\u4e00-\u9fff]", " ", text)
    return {w[i : i + 2] for w in han.split() for i in range(len(w) - 1)}


def which_first(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """Which of two things the user names comes first, by the articles' ordered steps that name both."""
    asked = _WHICH_FIRST.search(question.text)
    if asked is None:
        return None
    options = [asked.group("a").strip(), asked.group("b").strip()]
    sequences: dict[tuple[str, str], list[Fact]] = {}
    for fact in facts:
        if fact.kind == "step":
            sequences.setdefault((fact.chunk_id, fact.subject), []).append(fact)
    best: tuple[tuple[int, float], list[Fact]] | None = None
    for steps in sequences.values():
        overlaps = [[len(_bigrams(o) & _bigrams(f.detail)) for f in steps] for o in options]
        picks = [max(range(len(steps)), key=lambda n, row=row: row[n]) for row in overlaps]
        if picks[0] == picks[1] or min(overlaps[0][picks[0]], overlaps[1][picks[1]]) == 0:
            continue
        key = (min(overlaps[0][picks[0]], overlaps[1][picks[1]]), sum(relevance(f) for f in steps))
        if best is None or key > best[0]:
            best = (key, [steps[picks[0]], steps[picks[1]]])
    if best is None or best[0][1] < MIN_RELEVANCE:
        return None
    first, then = sorted(best[1], key=lambda f: f.position)
    return Finding(f"按资料应先{first.detail}（第{_ordinal(first.position)}步），"
                   f"{then.detail}排在第{_ordinal(then.position)}步{{0}}。", (first, then))
