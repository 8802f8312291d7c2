"""A question that quotes the articles' own figure as its premise, then asks for another quantity.

"存货周转率低于4次要盘点，那应付周转率低于多少要注意" or "漏水要3天内通知，那停电的话几天内通知": the figure the
user gives is not their own data to be judged (there is nothing to compare), it is a sentence of the
articles they have already read. What they ask is the quantity after it, about something the premise does
not name. That quantity is present only when a close sentence states a figure of the asked kind, other than
the quoted one, in a clause that names what the asking clause adds to the premise; the quoted sentence
itself, saying the premise again, is no answer. A question pointing back at the premise ("这样…") asks
about the quoted fact, and is no such question. The check is on the shape of the question (a figure, then
a later clause asking a quantity) and on the articles' text, never on a list of topics.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from knowledge.numerals import arabic_figures
from knowledge.questions import Question, content_terms

_CLAUSE_START = re.compile(r"[，,。；;！!？?\s]")
_CLAUSE_SPLIT = re.compile(r"[，,；;：:。、()（）]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# grammar: a demonstrative points back at the premise ("这样算下来能省几成", "这条线从哪天算起"), so the
# question asks about the quoted fact itself, which the quoted sentence answers
_REFERS_BACK = re.compile(r"这|上述")
# what a unit class of the question's figure reads as in the articles' text
_UNIT_TEXT = {"%": ("%", "％"), "天": ("天", "日"), "工作日": ("个工作日", "工作日")}


@dataclass(frozen=True)
class Premise:
    """The quoted part of a question and what it asks after it.

    Attributes:
        quoted: the quoted figures as numbers (20.0 for "20%").
        words: the question's own words outside the premise (the premise's words left out).
        rest: the question's text after the premise.
    """

    quoted: tuple[float, ...]
    words: tuple[str, ...]
    rest: str


def quoted_premise(question: Question, sentences: Sequence[str]) -> Premise | None:
    """The premise when every figure of ``question`` is quoted from one of ``sentences`` (the same number and
    unit, in a sentence sharing a word with the figure's clause) and a clause follows it; else None."""
    if not question.figures or question.dates:
        return None
    texts = [arabic_figures(s) for s in sentences]
    end = 0
    for figure in question.figures:
        start, stop = _clause_around(question.text, figure.at)
        clause_words = [w for w in content_terms(question.text[start:stop]) if not w[0].isdigit()]
        if not any(_states_number(t, figure.value, figure.unit) and any(w in t for w in clause_words) for t in texts):
            return None  # a figure of the user's own: the question is a calculation, not a quote
        end = max(end, stop)
    rest = question.text[end:].strip(" ，,。；;")
    if not rest or _REFERS_BACK.search(rest):
        return None
    premise_words = set(content_terms(question.text[:end]))
    words = tuple(w for w in content_terms(rest) if w not in premise_words)
    return Premise(tuple(f.value for f in question.figures), words, rest)


def states_beyond(
    premise: Premise, sentence: str, states: Callable[[str], bool], coverage: Callable[[list[str], str], float],
    floor: float,
) -> bool:
    """True when a clause of ``sentence`` states a figure of the asked kind other than the quoted ones and on
    its own covers ``floor`` of the question's words outside the premise (the clause before it cannot lend
    them: that is often the quoted clause itself)."""
    if not premise.words:
        return True  # the asking clause adds nothing of its own to judge by
    for clause in _CLAUSE_SPLIT.split(arabic_figures(sentence)):
        unquoted = _without_numbers(clause, premise.quoted)
        if states(unquoted) and coverage(list(premise.words), clause) >= floor:
            return True
    return False


def _clause_around(text: str, at: int) -> tuple[int, int]:
    """The start and end of the clause of ``text`` holding position ``at``."""
    starts = [m.end() for m in _CLAUSE_START.finditer(text, 0, at)]
    after = _CLAUSE_START.search(text, at)
    return (starts[-1] if starts else 0), (after.start() if after else len(text))


def _states_number(text: str, value: float, unit: str) -> bool:
    """True when ``text`` holds ``value`` with the unit ``unit`` ("" for a bare ratio: no unit follows)."""
    for match in _NUMBER.finditer(text):
        if float(match.group()) != value:
            continue
        after = text[match.end() : match.end() + 4]
        spelled = _UNIT_TEXT.get(unit, (unit,))
        if (unit and after.startswith(spelled)) or (not unit and not re.match(r"[%％\d天日月年万亿元个倍]", after)):
            return True
    return False


def _without_numbers(clause: str, values: Sequence[float]) -> str:
    """``clause`` with the quoted numbers (and the unit right after them) taken out."""
    def keep(match: re.Match[str]) -> str:
        return "" if float(match.group(1)) in values else match.group(0)

    return re.sub(r"(\d+(?:\.\d+)?)(?:\s*(?:%|％|个工作日|工作日|天|日))?", keep, clause)
