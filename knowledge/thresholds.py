"""Reasoning about the user's figures against the articles' thresholds.

- the user's figure against a threshold ("18%" against "逾期账款占比超过15%");
- the change between two of the user's figures, then against a threshold ("50天 -> 62天: +24%");
- a tool result judged against what the articles say about its metric; the warning level of a metric the question names.
"""

from __future__ import annotations

import re

from knowledge.english_terms import render
from knowledge.facts import Fact
from knowledge.findings import MIN_RELEVANCE, Finding, Relevance, best, en_unit, num
from knowledge.lexicon import metric_aliases
from knowledge.metrics import definition_of, facts_about, metrics_named, names_of
from knowledge.questions import GENERIC_TERMS as GENERIC
from knowledge.questions import Figure, Question
from knowledge.sentences import terms


def _metric_facts(question: Question, facts: list[Fact], relevance: Relevance) -> tuple[list[Fact], Relevance]:
    """The facts about the metrics the question names, any of them relevant enough (else all facts)."""
    named = metrics_named(question.text)
    if not named:
        return facts, relevance
    return [f for m in named for f in facts_about(facts, m)], lambda f: max(MIN_RELEVANCE, relevance(f))


_CONSEQUENCE = re.compile(r"[，,]\s*(?:则|就)?((?:需|应|建议|要|须|可)[^。；;]*)")


def consequence(sentence: str) -> str:
    """What the article says to do when its threshold is crossed ("…，则需立即启动风险排查" -> "需立即启动风险排查")."""
    found = _CONSEQUENCE.search(sentence)
    return found.group(1).strip() if found else ""


def _judged(value: float, unit: str, fact: Fact, english: bool) -> str:
    assert fact.value is not None
    limit = f"{num(fact.value)}{fact.unit}"
    mine = f"{num(value)}{unit}"
    over = value > fact.value if fact.comparator == ">" else value < fact.value
    if english:
        side = "above" if value > fact.value else "below" if value < fact.value else "at"
        verdict = "which the articles treat as a warning sign" if over else "so this line is not crossed"
        limit, mine = f"{num(fact.value)}{en_unit(fact.unit)}", f"{num(value)}{en_unit(unit)}"
        return f"{mine} is {side} the {limit} in the articles ({fact.subject}{fact.detail}){{0}}, {verdict}."
    side = "高于" if value > fact.value else "低于" if value < fact.value else "等于"
    todo = consequence(fact.sentence)
    verdict = (f"按资料，{todo}" if todo else "已触及这条线") if over else "未触及这条线"
    gap = f"（{'高出' if value > fact.value else '低了'}{_gap(value, fact)}）" if value != fact.value else ""
    return f"{mine}{side}资料中的“{fact.subject}{fact.detail}{limit}”{{0}}{gap}，{verdict}。"


def _gap(value: float, fact: Fact) -> str:
    """How far ``value`` is from the threshold, in its unit ("2.3个百分点", "0.15", "5天")."""
    assert fact.value is not None
    amount = num(round(abs(value - fact.value), 2))
    return f"{amount}个百分点" if fact.unit == "%" else f"{amount}{fact.unit}"


def _each_named(question: Question, facts: list[Fact], relevance: Relevance) -> list[tuple[Figure, Fact]]:
    """Each user figure with the threshold of the metric named just before it ("逾期率9%、DSO同比上升18%")."""
    out: list[tuple[Figure, Fact]] = []
    for figure in question.figures:
        before = question.text[max(0, figure.at - 10) : figure.at].lower()
        fact = best(facts, relevance, lambda f, g=figure, b=before: f.kind == "threshold" and _matches_unit(g, f)
                     and f not in [x for _, x in out] and any(n.lower() in b for n in names_of(f.subject)))
        if fact is not None:
            out.append((figure, fact))
    return out


def _matches_unit(figure: Figure, fact: Fact) -> bool:
    return (figure.unit or "") == (fact.unit or "") or (figure.unit == "天" and fact.unit == "日")


def compare(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """The user's figure, or the change between two of them, against the most relevant threshold."""
    if not question.figures or question.dates:
        return None
    named = _each_named(question, facts, lambda f: max(MIN_RELEVANCE, relevance(f)))
    metrics = {names_of(f.subject)[0] for _, f in named}
    if question.compares_own_figures and len(metrics) < 2:  # figures of different metrics are no change
        return _change(question, *_metric_facts(question, facts, relevance))
    facts, relevance = _metric_facts(question, facts, relevance)
    if len(named) > 1:
        leads = [_judged(g.value, g.unit, f, question.english).format(f"{{{n}}}").rstrip("。.") for n, (g, f) in enumerate(named)]
        end = ("; ", ".") if question.english else ("；", "。")
        gaps = tuple(_gap(g.value, f) for g, f in named)
        return Finding(end[0].join(leads) + end[1], tuple(f for _, f in named), gaps)
    for figure in reversed(question.figures):
        fact = best(facts, relevance, lambda f, g=figure: f.kind == "threshold" and _matches_unit(g, f))
        if fact is not None:
            return _defined(Finding(_judged(figure.value, figure.unit, fact, question.english), (fact,),
                                    (_gap(figure.value, fact),)), facts, question.english)
    return _trend_only(question, facts)


def _defined(finding: Finding, facts: list[Fact], english: bool) -> Finding:
    """The judgement of one figure, saying which definition of its metric it reads the figure by: the article's
    own, when it gives one (the user's figure may be counted otherwise)."""
    meant = definition_of(facts, names_of(finding.facts[0].subject)[0])
    if meant is None or meant.detail in finding.lead:
        return finding
    n = len(finding.facts)
    said = (f"; this reads {meant.subject} as the articles define it: {meant.detail}{{{n}}}." if english
            else f"；这里的{meant.subject}按资料的定义，指{meant.detail}{{{n}}}。")
    return Finding(finding.lead.rstrip("。.") + said, (*finding.facts, meant), finding.derived, finding.judges)


def _trend_only(question: Question, facts: list[Fact]) -> Finding | None:
    """One figure of a metric the articles judge only by its change ("周转天数58天" against "同比延长三成")."""
    named = metrics_named(question.text)
    if len(named) != 1 or len(question.figures) != 1:
        return None
    figure = question.figures[0]
    finding = judge_metric(facts, named[0], figure.value, figure.unit, question.english)
    if finding is None or not finding.facts or any(f.kind != "threshold" for f in finding.facts):
        return None
    return finding


def _typed_metric(question: Question) -> str:
    """The metric name as the user typed it ("坏账率", "周转天数"), or ""."""
    lowered = question.text.lower()
    typed = [a for aliases in metric_aliases().values() for a in aliases if a.lower() in lowered]
    return max(typed, key=len) if typed else ""


_FROM_TO = re.compile(r"\bfrom\b.*\bto\b", re.I)
_EN_PERIOD_AFTER = re.compile(r"[\d.]*\s*(?:days?|%|percent)?\s*(?:in |of )?(?:the )?(?:last|previous|prior) (?:year|quarter|month)", re.I)
_EARLIER_PERIOD = re.compile(r"去年|上年|前年|同期|之前|以前|原来|原先|上个?月|上季度?|上期|last (?:year|quarter|month)", re.I)


def _change(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    units = [f.unit for f in question.figures]
    unit = next(u for u in units if units.count(u) >= 2)
    first, second = [f for f in question.figures if f.unit == unit][:2]
    # "今年66天，去年同期50": the figure after an earlier period's word is the old one, wherever it stands
    # ...but "from 50 days last year to 65" says its order in so many words: an English period word follows its figure
    # ("40 days last year and 52 now": the period word right after its figure and unit)
    between = question.text[first.at + 1 : second.at]
    framed = question.english and (_FROM_TO.search(question.text[max(0, first.at - 8) : second.at])
                                   or _EN_PERIOD_AFTER.match(between))
    if not framed and _EARLIER_PERIOD.search(question.text[first.at + 1 : second.at]) and not _EARLIER_PERIOD.search(
            question.text[max(0, first.at - 8) : first.at]):
        first, second = second, first
    old, new = first.value, second.value
    if not old:
        return None
    change = (new - old) / old * 100
    moved = f"{_typed_metric(question)}{num(old)}{unit}→{num(new)}{unit}"
    rate = f"{num(round(abs(change), 2))}%"
    derived = [rate, moved]
    if unit not in ("%", "天"):
        # a level in its own unit ("1.2倍 -> 1.8倍"): the new level against the threshold of that unit
        level = best(facts, relevance, lambda f: f.kind == "threshold" and f.unit == unit)
        if level is not None:
            return Finding(f"{moved}。" + _judged(new, unit, level, question.english), (level,),
                           (*derived, _gap(new, level)))
    fact = best(facts, relevance, lambda f: f.kind == "threshold" and f.unit == "%" and f.comparator == ">")
    if unit == "%":
        points = f"{num(round(abs(new - old), 2))}个百分点"
        derived.append(points)
        lead = f"{moved}，{'上升' if change > 0 else '下降'}{points}，相对变化{rate}"
    else:
        lead = f"{moved}，{'增加' if change > 0 else '减少'}{rate}"
    if unit in _MONEY:  # an amount's change is judged by no line on rates: set next to a reported case
        return _money_change(question, lead, facts, relevance, tuple(derived))
    if fact is None or fact.value is None:
        case = best(facts, relevance, lambda f: f.kind == "change" and f.unit == unit and bool(f.value))
        if case is None:
            return None  # a change nobody in the articles judges or reports is no answer by itself
        return _against_case(lead, change, case, tuple(derived))
    if unit == "%" and not _is_change(fact):  # a line on the level ("逾期率高于15%"): the new level is judged
        return Finding(f"{lead}；" + _judged(new, unit, fact, question.english), (fact,), (*derived, _gap(new, fact)))
    over = change > fact.value
    todo = consequence(fact.sentence)
    if question.english:  # the same verdict in English; the articles' line stays in their words
        lead = f"{render(_typed_metric(question)) or 'It'} {num(old)}{en_unit(unit)} → {num(new)}{en_unit(unit)}, {'up' if change > 0 else 'down'} {rate}"
        return Finding(f"{lead}, {'over' if over else 'within'} the articles' line “{fact.subject}{fact.detail}"
                       f"{num(fact.value)}%”{{0}}" + (f"; the articles say: “{todo}”." if over and todo else "."),
                       (fact,), tuple(derived))
    advice = (f"，按资料，{todo}" if todo else "") if over else ""
    verdict = "超过" if over else "未超过"
    return Finding(f"{lead}，{verdict}资料中“{fact.subject}{fact.detail}{num(fact.value)}%”这条线{{0}}{advice}。",
                   (fact,), tuple(derived))


_MONEY = ("万", "亿", "元")


def _money_change(question: Question, lead: str, facts: list[Fact], relevance: Relevance,
                  derived: tuple[str, ...]) -> Finding | None:
    """The change of an amount ("销售额8000万→9440万，增加18%") next to the articles' reported change of the
    same thing (a percentage whose subject the question names: "销售额反增18%"), or the change alone."""
    case = best(facts, relevance, lambda f: f.kind == "percent" and f.unit == "%" and bool(f.value) and any(
        t in question.text for t in terms(f.subject) if len(t) >= 2 and t not in GENERIC))
    if case is None or case.value is None:
        return Finding(f"{lead}。", (), derived)  # the user's own arithmetic; the articles report nothing to set it by
    return Finding(f"{lead}；资料中的案例是“{case.subject}{num(case.value)}%”{{0}}。", (case,), derived)


def _against_case(lead: str, change: float, case: Fact, derived: tuple[str, ...]) -> Finding:
    """The user's change next to a change the articles report ("逾期率从9%降到4%")."""
    assert case.value is not None and case.value2 is not None
    theirs = (case.value2 - case.value) / case.value * 100
    rate = f"{num(round(abs(theirs), 2))}%"
    verb = "下降" if theirs < 0 else "上升"
    bigger = abs(change) > abs(theirs)
    size = "降幅" if change < 0 else "增幅"
    verdict = f"{size}比案例大" if bigger else f"{size}比案例小" if abs(change) < abs(theirs) else f"{size}与案例相当"
    case_line = f"{case.subject}从{num(case.value)}{case.unit}{verb}到{num(case.value2)}{case.unit}"
    if case.unit == "%":
        case_line += f"（{num(round(abs(case.value2 - case.value), 2))}个百分点）"
    return Finding(f"{lead}；资料中的案例是{case_line}{{0}}，相对{verb}{rate}，您的{verdict}。", (case,),
                   (*derived, rate, f"{num(round(abs(case.value2 - case.value), 2))}"))


_CHANGE_WORDS = re.compile(r"同比|环比|增加|增长|上升|延长|减少|下降")


def _is_change(fact: Fact) -> bool:
    """A threshold on a metric's change ("周转天数同比增加三成"), not on its level ("降至1.2" is a level)."""
    return bool(_CHANGE_WORDS.search(fact.detail)) and not re.search(r"至|到", fact.detail)


def _line(fact: Fact) -> str:
    assert fact.value is not None
    return f"{fact.subject}{fact.detail}{num(fact.value)}{fact.unit}"


def _moved(metric: str, old: float, new: float, unit: str, fact: Fact | None, mark: str,
           english: bool = False) -> tuple[str, tuple[str, ...]]:
    """The change from the earlier value, judged against the articles' threshold on that change when there is one."""
    change = (new - old) / old * 100
    step, rate = f"{num(round(abs(new - old), 2))}{unit}", f"{num(round(abs(change), 1))}%"
    sign = "+" if change >= 0 else "−"
    if english:
        text = (f"{'up' if new > old else 'down'} {num(round(abs(new - old), 2))}{en_unit(unit)} from "
                f"{num(old)}{en_unit(unit)} ({sign}{rate})")
    else:
        text = f"比之前的{num(old)}{unit}{'增加' if new > old else '减少'}{step}（{sign}{rate}）"
    if fact is not None and fact.value is not None:
        over = change > fact.value if fact.comparator == ">" else change < -fact.value
        todo = consequence(fact.sentence)
        if english:
            text += (f", {'over' if over else 'within'} the articles' line “{_line(fact)}”{mark}"
                     + (f" (they say: {todo})" if over and todo else ""))
        else:
            advice = f"，按资料，{todo}" if over and todo else ""
            text += f"，{'超过' if over else '未超过'}资料中“{_line(fact)}”这条线{mark}{advice}"
    return text, (step, rate, f"{num(old)}{unit}", f"{num(round(abs(new - old), 2))}")


def _mention(facts: list[Fact], metric: str, english: bool = False) -> Finding | None:
    """What the articles say about a metric they give no line for: the first sentence naming it, quoted."""
    names = [n.lower() for n in names_of(metric) if n]
    for fact in facts:
        if any(n in fact.sentence.lower() for n in names):
            said = "What the articles say on it: " if english else "资料里相关的说法："
            return Finding(f"{said}{fact.sentence.rstrip('。.')}{{0}}{'.' if english else '。'}", (fact,), judges=False)
    return None


def judge_metric(
    facts: list[Fact], metric: str, value: float, unit: str = "", english: bool = False,
    earlier: tuple[float, str] | None = None,
) -> Finding | None:
    """A tool result judged against what the articles say about its metric (say ``逾期率`` 17.5 ``%``).

    The level is judged against the metric's threshold of that unit; with ``earlier`` (the value of an earlier
    period, same unit) the change is judged against the articles' threshold on the change ("同比延长三成");
    without one, that threshold is quoted as the line to watch. With no threshold at all, the first article
    sentence naming the metric is quoted. None when the articles never name it: the caller then says
    plainly that they give no benchmark (``资料没有给出…的判断标准``).
    """
    figure = Figure(value, unit, 0)
    about = [f for f in facts_about(facts, metric) if f.kind == "threshold" and f.value is not None]
    # a line the articles attach an action to ("…，则需立即启动风险排查") before one they only list
    about.sort(key=lambda f: not consequence(f.sentence))
    level = [f for f in about if _matches_unit(figure, f) and not _is_change(f)]
    growth = [f for f in about if f.unit == "%" and _is_change(f)]
    if not level and unit == "%" and growth:
        level = growth  # a change typed as a percentage ("DSO同比多了30%")
    parts: list[str] = []
    used: list[Fact] = []
    derived: tuple[str, ...] = ()
    if earlier is not None and earlier[1] == unit and earlier[0] > 0:
        fact = growth[0] if growth else None
        text, derived = _moved(metric, earlier[0], value, unit, fact, f"{{{len(used)}}}", english)
        shown = f"{num(value)}{en_unit(unit) if english else unit}"
        parts.append(f"{metric}{' ' if metric[-1:].isascii() else ''}{shown}{', ' if english else '，'}{text}")
        used += [fact] if fact is not None else []
    if level:
        parts.append(_judged(value, unit, level[0], english).format(f"{{{len(used)}}}").rstrip("。."))
        used.append(level[0])
        derived += (_gap(value, level[0]),)
    elif growth and not used:
        parts.append(_change_only(metric, growth[0], f"{{{len(used)}}}", english))
        used.append(growth[0])
        end = "." if english else "。"
        return Finding("；".join(parts) + end, tuple(used), derived, judges=False)
    if not used:
        end = "." if english else "。"
        return _mention(facts, metric, english) if not parts else Finding("；".join(parts) + end, (), derived)
    meant = definition_of(facts, metric)
    if meant is not None and level:
        parts.append(f"the articles define {meant.subject} as {meant.detail}{{{len(used)}}}" if english
                     else f"资料所说的{meant.subject}指{meant.detail}{{{len(used)}}}")  # its definition, not a generic one
        used.append(meant)
    return Finding(("; " if english else "；").join(parts) + ("." if english else "。"), tuple(used), derived)


def _change_only(metric: str, growth: Fact, mark: str, english: bool) -> str:
    """A metric the articles judge only by its change: that line, and what to compare the figure with."""
    todo = consequence(growth.sentence)
    if english:
        return (f"The articles give no normal level for {metric}, only a line on its change: “{_line(growth)}”{mark}"
                f"{f' ({todo})' if todo else ''}; compare it with the same period last year")
    return (f"资料没有给出{metric}本身的正常水平，看的是变化：{_line(growth)}时{todo or '需要警惕'}"
            f"{mark}，可与去年同期的{metric}比较")


_ASKS_LEVEL = re.compile(r"多少|几|多高|多低|多大|什么水平|什么程度|how much|how high|how low|what level", re.IGNORECASE)


_ASKS_CHANGE = re.compile(r"同比|环比|增加|增长|上升|延长|变化|涨|多了|growth|increase|change", re.IGNORECASE)


def benchmark(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """The warning level of a metric the question names: the article's threshold for it; when they judge the
    metric only by its change, that they give no normal level and the line on its change."""
    if question.figures or not question.kinds & {"threshold", "percent", "duration"} or not _ASKS_LEVEL.search(question.text):
        return None
    named, relevance = _metric_facts(question, facts, relevance)
    if named is facts:
        return None  # no metric named: a threshold of some other metric would not answer
    lines = [f for f in named if f.kind == "threshold" and f.value is not None]
    if lines and all(_is_change(f) for f in lines) and not _ASKS_CHANGE.search(question.text):
        growth = best(lines, relevance, lambda f: True) or lines[0]
        text = _change_only(_typed_metric(question), growth, "{0}", question.english)
        return Finding(text + ("." if question.english else "。"), (growth,), judges=False)
    if "duration" in question.kinds and not question.kinds & {"threshold", "percent"}:
        return None  # "多少天" is answered by a line on its level in days only (above), not by a share
    fact = best(named, relevance, lambda f: f.kind == "threshold" and f.value is not None)
    if fact is None or fact.value is None:
        return None
    todo = consequence(fact.sentence)
    line = f"{fact.subject}{fact.detail}{num(fact.value)}{fact.unit}"
    if question.english:
        return Finding(f"The articles' line is “{line}”{{0}}{' (' + todo + ')' if todo else ''}.", (fact,))
    return Finding(f"资料给出的线是“{line}”{{0}}{'，' + todo if todo else ''}。", (fact,))


def no_norm(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """"坏账率4%算高吗" when the articles set no line for the metric named: say so plainly, then what they say of it."""
    if "threshold" not in question.kinds:
        return None
    named = metrics_named(question.text)
    if len(named) != 1 or any(f.kind == "threshold" for f in facts_about(facts, named[0])):
        return None
    said = _mention(facts_about(facts, named[0]), named[0], question.english)
    if said is None:
        return None  # the articles never name it: the question is answered as absent
    typed = _typed_metric(question)
    mine = f"{num(question.figures[-1].value)}{question.figures[-1].unit}" if question.figures else ""
    if question.english:
        lead = f"The articles give no benchmark for {typed}{f', so {mine} cannot be judged against them' if mine else ''}. "
    else:
        lead = f"资料没有给出{typed}多少算高的判断标准{f'，无法据此判断{mine}的高低' if mine else ''}。"
    return Finding(lead + said.lead, said.facts, judges=False)
