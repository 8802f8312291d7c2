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

from knowledge.numerals import arabic_figures
from knowledge.sentences import Sentence, TermWeights, terms

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
# A figure right after one of these is a change ("提升300%"), not a level two articles could disagree on.
_CHANGE = re.compile(r"(提升|提高|减少|降低|下降|增加|增长|压缩|缩短|延长|降至|反增|增至|快|慢|提前)$")
# ...and a share right after a threshold word is a warning level, not a claim about the same quantity.
_THRESHOLD = re.compile(r"(超过|高于|低于|不足)$")
# Case studies ("某制造业企业…") report one company's outcome, not a general figure.
_ANECDOTE = re.compile(r"某(?P<trade>[\u4e00-\u9fff]{0,6}?)(企业|公司|供应商|出口商|经销商|案例|客户)|^例如|^以某")
_ILLUSTRATION = re.compile(r"[,，](例如|比如|譬如)$")
_PAYOUT = re.compile(r"赔|补偿|覆盖|承保")
QUALITATIVE_THRESHOLD = 0.05
# Two of the answer's own sentences are weighed against each other on a lower bar than a counterpart
# from elsewhere (they were both chosen for the question), but not on none: "逾期3日内发函" and "30-60个工作日
# 内完成审核" share a unit, not a subject. Set on dev's conflict and claims answers.
ANCHOR_SHARE = 0.5


@dataclass(frozen=True)
class Figure:
    """A number with its unit class and the text around it."""

    unit: str
    value: str
    context: str
    text: str = ""
    clause: str = ""


@dataclass(frozen=True)
class Conflict:
    """Sentences from different articles giving different figures of one unit class."""

    unit: str
    sentences: tuple[Sentence, ...]


def is_anecdote(text: str) -> bool:
    """True for a case study ("某出口企业…", "以某…为例"): one company's outcome, not a general statement.

    A general statement illustrated on the way ("系统能识别异常，例如某买家突然…") is no case study.
    """
    match = _ANECDOTE.search(text)
    return bool(match) and not (match.start() > 0 and _ILLUSTRATION.search(text[: match.start()]))


def _same_thing(a: Figure, b: Figure, weights: TermWeights) -> bool:
    """False when the two figures' own clauses share no word: "30天内提交索赔文件" and "30-60个工作日内完成审核"
    count different things, however alike the words around them."""
    return not (a.clause and b.clause) or weights.similarity(_without_figure(a), _without_figure(b)) > 0


def _without_figure(fig: Figure) -> str:
    # the figure itself ("30天内") is what differs; the clause's other words say what it counts
    return re.sub(re.escape(fig.text) + r"\s*(以内|之内|以上|以下|内)?", " ", fig.clause) if fig.text else fig.clause


def _clause_at(text: str, at: int) -> str:
    """The clause of ``text`` around position ``at`` (between commas, semicolons and stops)."""
    start = max(text.rfind(c, 0, at) for c in "，,；;。：:") + 1
    ends = [i for i in (text.find(c, at) for c in "，,；;。") if i >= 0]
    return text[start : min(ends) if ends else len(text)]


def anecdote_trade(text: str) -> str:
    """The line of business of a case study's company ("某建材经销商…" -> 建材), or ""."""
    match = _ANECDOTE.search(text)
    return (match.group("trade") or "") if match else ""


def figures(text: str, *, levels_only: bool = True) -> list[Figure]:
    """Every figure in ``text`` (numeric ones and the qualitative ``按约定比例``).

    Case studies are left out (one company's outcome); ``levels_only`` (for conflicts) leaves out changes too
    ("快11天"), which two articles cannot disagree on; ``False`` keeps them (for "does this sentence state a
    figure of the asked kind").
    """
    out: list[Figure] = []
    if is_anecdote(text):
        return out
    text = arabic_figures(text)  # 九十天 and 90天 are the same figure
    for m in _FIGURE.finditer(text):
        before = text[max(0, m.start() - 2) : m.start()]
        if levels_only and (_CHANGE.search(before) or (_THRESHOLD.search(before) and m.group("unit") in ("%", "％", "倍"))):
            continue
        unit = _UNIT_CLASS[m.group("unit")]
        value = re.sub(r"\s|,", "", m.group("value")).replace("–", "-").replace("至", "-").replace("到", "-")
        value = value.replace("~", "-") + ("多" if m.group("approx") in ("多", "余") else "")
        context = text[max(0, m.start() - WINDOW) : m.end() + WINDOW]
        out.append(Figure(unit, value, context, m.group(0).strip(), _clause_at(text, m.start())))
    for m in _QUALITATIVE_SHARE.finditer(text):
        context = text[max(0, m.start() - WINDOW) : m.end() + WINDOW]
        out.append(Figure("percent", "约定比例", context, clause=_clause_at(text, m.start())))
    return out


def find_conflicts(
    anchors: list[Sentence],
    pool: list[Sentence],
    weights: TermWeights,
    *,
    threshold: float = 0.12,
    on_topic: Callable[[str], bool] | None = None,
    only: Figure | None = None,
) -> list[Conflict]:
    """Conflicts between the ``anchors`` (the sentences an answer uses) and sentences of ``pool``.

    Args:
        anchors: sentences chosen for the answer, best first.
        pool: candidate counterparts (typically the question-relevant sentences of the corpus).
        weights: term weights for the context similarity.
        threshold: least similarity of the two figures' context windows.
        on_topic: whether a figure's context window is about what was asked (None: always).
        only: the one figure of the anchors to weigh (None: all of them).

    Returns:
        At most one conflict per unit class: one sentence per distinct value (anchors first),
        from at least two articles.
    """
    on_topic = on_topic or (lambda _context: True)
    conflicts: list[Conflict] = []
    units_done: set[str] = set()
    for anchor in anchors:
        for fig in figures(anchor.text):
            if fig.unit in units_done or not on_topic(fig.context) or (only is not None and fig != only):
                continue
            # one sentence per distinct value: the anchors' own first (about the same thing: "30天内提交"
            # is no rival of "30-60个工作日内完成审核"), then the closest counterparts
            members: dict[str, Sentence] = {fig.value: anchor}
            for other_anchor in anchors:
                for f in figures(other_anchor.text):
                    if (f.unit == fig.unit and f.value not in members and on_topic(f.context) and _same_thing(fig, f, weights)
                            and weights.similarity(fig.context, f.context) >= ANCHOR_SHARE * threshold):
                        members[f.value] = other_anchor
            best: dict[str, tuple[float, Sentence]] = {}
            for cand in pool:
                for other in figures(cand.text):
                    if other.unit != fig.unit or other.value in members or not on_topic(other.context):
                        continue
                    sim = weights.similarity(fig.context, other.context)
                    if not _same_thing(fig, other, weights):
                        continue
                    if "约定比例" in (fig.value, other.value):
                        # "the agreed share" against a figure: only where the figure is a payout share
                        numeric = other if fig.value == "约定比例" else fig
                        if other.value == fig.value or not _PAYOUT.search(numeric.context):
                            continue
                        needed = QUALITATIVE_THRESHOLD
                    else:
                        needed = threshold
                    if sim >= needed and sim > best.get(other.value, (0.0, cand))[0]:
                        best[other.value] = (sim, cand)
            for value, (_sim, cand) in sorted(best.items(), key=lambda b: -b[1][0]):
                if cand not in members.values():
                    members[value] = cand
            if len(members) > 1 and len({s.doc_id for s in members.values()}) > 1:
                conflicts.append(Conflict(fig.unit, tuple(members.values())))
                units_done.add(fig.unit)
    return conflicts


_EXCLUDED = re.compile(r"除外|不包括|不覆盖|不承保|不保障|不在保障|不赔")
_COVERED = re.compile(r"承保|包含|覆盖|保障")
MAX_RISK_DF = 4


@dataclass(frozen=True)
class CoverageDisagreement:
    """A risk one article lists as excluded while another names it as covered."""

    term: str
    excluded: Sentence
    covered: Sentence


def coverage_disagreements(
    query_terms: list[str], pool: list[Sentence], weights: TermWeights
) -> list[CoverageDisagreement]:
    """Risks named in the question that the articles both exclude and cover (say 战争).

    Only rare terms (a named risk, not 风险 or 保险) are considered; the excluding sentence must
    name the risk after its exclusion word, the covering one must contain no exclusion word at all.
    """
    out: list[CoverageDisagreement] = []
    for term in dict.fromkeys(query_terms):
        if not 0 < weights.df.get(term, 0) <= MAX_RISK_DF:
            continue
        excluded = next(
            (s for s in pool if term in s.text and (m := _EXCLUDED.search(s.text)) and s.text.find(term) > m.start()),
            None,
        )
        if excluded is None:
            continue
        covered = next(
            (s for s in pool if s.doc_id != excluded.doc_id and term in s.text
             and _COVERED.search(s.text) and not _EXCLUDED.search(s.text)),
            None,
        )
        if covered is not None:
            out.append(CoverageDisagreement(term, excluded, covered))
    return out


_ITEM_SPLIT = re.compile(r"[、，,；;/：:（）()]|以及|及|和|或")


def excluded_items(text: str) -> list[str]:
    """The items a sentence lists after an exclusion word ("除外责任包括：纠纷、汇率损失、战争" -> the three)."""
    match = _EXCLUDED.search(text)
    if not match:
        return []
    items = (i.strip(" 。等") for i in _ITEM_SPLIT.split(text[match.end() :]))
    return [i for i in items if len(i) >= 2 and terms(i)]


# A cover word introducing what is covered ("承保进口商清盘、恶意赖账等风险", "保障范围涵盖…"); not "不承保",
# not a time ("承保前") and not the scope itself ("承保范围").
COVER_WORD = re.compile(r"(?<![不未非])(?:承保(?!前|后|范围|条件|能力)|涵盖|包含)")
_COVERED_SPLIT = re.compile(r"[、，,；;/：:（）()]|以及|及|和|或|如|例如")
_LIST_END = re.compile(r"[，,](?!以及|及|和|或|还有|如|例如|比如)|[；;。]")


def covered_items(text: str) -> list[str]:
    """What a sentence names as covered, after its cover word and before any exclusion word
    ("主要承保买方破产或长期拖欠等风险，但不包括纠纷" -> 买方破产, 长期拖欠等风险)."""
    match = COVER_WORD.search(text)
    if match is None:
        return []
    end = _EXCLUDED.search(text, match.end())
    listed = text[match.end() : end.start() if end else len(text)]
    stop = _LIST_END.search(listed)  # "承保A、B等风险，既保护…": the list ends where a new clause starts
    items = (i.strip(" 。等") for i in _COVERED_SPLIT.split(listed[: stop.start() if stop else len(listed)]))
    return [i for i in items if len(i) >= 2 and terms(i)]


def topic_conflicts(
    anchors: list[Sentence], pool: list[Sentence], weights: TermWeights, specific: list[str], asked: set[str],
    only: Figure | None = None,
) -> list[Conflict]:
    """Conflicts of the asked unit classes among sentences on the question's topic.

    Args:
        anchors: the answer's sentences and the best candidates stating a figure of an asked unit.
        pool: the question-relevant sentences of the corpus.
        weights: term weights.
        specific: the question's specific terms (a figure's surroundings must share some of them).
        asked: the unit classes asked for (``days``, ``percent`` ...).
        only: the one figure of the anchors to weigh (the one the answer's lead restates), or None for all.
    """

    def on_topic(context: str) -> bool:
        return not specific or weights.known_coverage(specific, context) >= 0.1

    return [c for c in find_conflicts(anchors, pool, weights, on_topic=on_topic, only=only) if c.unit in asked]
