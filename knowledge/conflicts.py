"""Finding sources that give different figures for the same thing.

A *figure* is a number with a unit class (days, percent, countries, companies, months, times) plus
the words around it. Two sentences from different articles conflict when they carry figures of the
same unit class with different values and the words around those figures are about the same thing
(IDF-weighted similarity of the context windows). ``按约定比例`` counts as a (non-numeric) percentage,
so "about 90%" against "the agreed proportion" is reported too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from knowledge.sentences import Sentence, TermWeights

_CN_DIGITS = "零一二三四五六七八九十百"
_NUMBER = rf"(?:\d[\d,]*(?:\.\d+)?|[{_CN_DIGITS}]+)"
_FIGURE = re.compile(
    rf"(?P<value>{_NUMBER}(?:\s*[-–~至到]\s*{_NUMBER})?)\s*(?P<approx>多|余|以上|以下)?\s*"
    r"(?P<unit>个工作日|工作日|天|日(?!期|常|本)|%|％|个国家|国家|万家|亿家|家企业|家公司|个月|倍)"
)
_QUALITATIVE_SHARE = re.compile(r"按(照)?(合同)?约定(的)?比例")
_UNIT_CLASS = {
    "个工作日": "days", "工作日": "days", "天": "days", "日": "days",
    "%": "percent", "％": "percent",
    "个国家": "countries", "国家": "countries",
    "万家": "companies", "亿家": "companies", "家企业": "companies", "家公司": "companies",
    "个月": "months", "倍": "times",
}
WINDOW = 14


@dataclass(frozen=True)
class Figure:
    """A number with its unit class and the text around it."""

    unit: str
    value: str
    context: str


@dataclass(frozen=True)
class Conflict:
    """Sentences from different articles giving different figures of one unit class."""

    unit: str
    sentences: tuple[Sentence, ...]


def figures(text: str) -> list[Figure]:
    """Every figure in ``text`` (numeric ones and the qualitative ``按约定比例``)."""
    out: list[Figure] = []
    for m in _FIGURE.finditer(text):
        unit = _UNIT_CLASS[m.group("unit")]
        value = re.sub(r"\s|,", "", m.group("value")).replace("–", "-").replace("至", "-").replace("到", "-")
        value = value.replace("~", "-") + ("多" if m.group("approx") in ("多", "余") else "")
        context = text[max(0, m.start() - WINDOW) : m.end() + WINDOW]
        out.append(Figure(unit, value, context))
    for m in _QUALITATIVE_SHARE.finditer(text):
        out.append(Figure("percent", "约定比例", text[max(0, m.start() - WINDOW) : m.end() + WINDOW]))
    return out


def find_conflicts(
    anchors: list[Sentence],
    pool: list[Sentence],
    weights: TermWeights,
    *,
    threshold: float = 0.06,
    on_topic: Callable[[str], bool] | None = None,
) -> list[Conflict]:
    """Conflicts between the ``anchors`` (the sentences an answer uses) and sentences of ``pool``.

    Args:
        anchors: sentences chosen for the answer, best first.
        pool: candidate counterparts (typically the question-relevant sentences of the corpus).
        weights: term weights for the context similarity.
        threshold: least similarity of the two figures' context windows.
        on_topic: whether a figure's context window is about what was asked (None: always).

    Returns:
        At most one conflict per unit class: one sentence per distinct value (anchors first),
        from at least two articles.
    """
    on_topic = on_topic or (lambda _context: True)
    conflicts: list[Conflict] = []
    units_done: set[str] = set()
    for anchor in anchors:
        for fig in figures(anchor.text):
            if fig.unit in units_done or not on_topic(fig.context):
                continue
            # one sentence per distinct value: the anchors' own first, then the closest counterparts
            members: dict[str, Sentence] = {}
            for other_anchor in anchors:
                for f in figures(other_anchor.text):
                    if f.unit == fig.unit and f.value not in members and on_topic(f.context):
                        members[f.value] = other_anchor
            best: dict[str, tuple[float, Sentence]] = {}
            for cand in pool:
                for other in figures(cand.text):
                    if other.unit != fig.unit or other.value in members or not on_topic(other.context):
                        continue
                    sim = weights.similarity(fig.context, other.context)
                    if sim >= threshold and sim > best.get(other.value, (0.0, cand))[0]:
                        best[other.value] = (sim, cand)
            for value, (_sim, cand) in sorted(best.items(), key=lambda b: -b[1][0]):
                if cand not in members.values():
                    members[value] = cand
            if len(members) > 1 and len({s.doc_id for s in members.values()}) > 1:
                conflicts.append(Conflict(fig.unit, tuple(members.values())))
                units_done.add(fig.unit)
    return conflicts
