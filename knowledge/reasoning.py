"""Reasoning with the articles' facts and the user's own figures.

- a deadline from a date the user gives and a time limit counted from an event (the clock starts where
  the article says it does: the date whose words are closest to the limit's start event);
- the user's figure against a threshold ("18%" against "逾期账款占比超过15%");
- the change between two of the user's figures, then against a threshold ("50天 -> 62天: +24%");
- the n-th step of an ordered procedure.

Each finding is a lead sentence in the user's terms whose placeholders ``{0}``, ``{1}`` are the citation
markers of the facts it rests on; the figures it computes are listed as ``derived`` (the grounding check
accepts them, nothing else).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from knowledge.facts import Fact
from knowledge.lexicon import event_synonyms, metric_aliases, words
from knowledge.metrics import facts_about, names_of
from knowledge.questions import Figure, Question

MIN_RELEVANCE = 0.2  # a fact must share this much (IDF-weighted) of the question's terms to be used
_EN_MONTHS = tuple(calendar.month_name)


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


_CN_ORDINAL = "一二三四五六七八九十"


def _metric_facts(question: Question, facts: list[Fact], relevance: Relevance) -> tuple[list[Fact], Relevance]:
    """The facts about the metrics the question names, any of them relevant enough (else all facts)."""
    lowered = question.text.lower()
    named = [m for m, aliases in metric_aliases().items() if any(a.lower() in lowered for a in aliases)]
    if not named:
        return facts, relevance
    return [f for m in named for f in facts_about(facts, m)], lambda f: max(MIN_RELEVANCE, relevance(f))


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _cn_date(d: date) -> str:
    return f"{d.month}月{d.day}日"


def _en_date(d: date) -> str:
    return f"{_EN_MONTHS[d.month]} {d.day}"


_EN_UNITS = {"天": " days", "日": " days", "工作日": " working days", "个月": " months", "月": " months", "年": " years"}


def _en_unit(unit: str) -> str:
    """A Chinese unit in English words (" days"); "%" and other units as they are."""
    return _EN_UNITS.get(unit, unit)


def _shift(start: date, fact: Fact, value: float) -> date:
    sign = -1 if fact.comparator == "-" else 1
    if fact.unit == "工作日":
        day, left = start, int(value)
        while left:
            day += timedelta(days=sign)
            if day.weekday() < 5:
                left -= 1
        return day
    if fact.unit in ("月", "个月"):
        month = start.month - 1 + sign * int(value)
        year, month = start.year + month // 12, month % 12 + 1
        return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
    return start + timedelta(days=sign * value)


def _best(facts: list[Fact], relevance: Relevance, accept: Callable[[Fact], bool]) -> Fact | None:
    scored = [(relevance(f), n, f) for n, f in enumerate(facts) if accept(f)]
    scored = [s for s in scored if s[0] >= MIN_RELEVANCE]
    return max(scored, key=lambda s: (s[0], -s[1]))[2] if scored else None


def _start_date(question: Question, fact: Fact) -> date:
    """The user's date closest in words to the fact's start event (its synonyms count double).

    "6月2日宣告破产，6月9日我们才得知", limit counted from 知悉破产: 6月9日 (得知 = 知悉).
    """
    anchor = set(fact.subject)
    synonyms = [w for key, words in event_synonyms().items() if key in fact.subject for w in words]

    def closeness(item: tuple[date, int]) -> tuple[int, int]:
        words = question.text[item[1] : item[1] + 18].lower()
        named = sum(2 * len(w) for w in synonyms if w.lower() in words)
        return named + len(anchor & set(words)), item[1]

    return max(question.dates, key=closeness)[0]


def deadline(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """The date a time limit ends (or starts, for "N days before"), from the user's date."""
    if not question.dates or "duration" not in question.kinds:
        return None
    fact = _best(facts, relevance, lambda f: f.kind == "duration" and f.value is not None and bool(f.subject))
    if fact is None or fact.value is None:
        return None
    start = _start_date(question, fact)
    end = _shift(start, fact, fact.value2 or fact.value)
    span = f"{_num(fact.value)}{'-' + _num(fact.value2) if fact.value2 else ''}{fact.unit}"
    if question.english:
        span = span[: -len(fact.unit)] + _en_unit(fact.unit) if fact.unit else span
        when = "before" if fact.comparator == "-" else "after"
        lead = f"{_en_date(end)}: {span} {when} {_en_date(start)} ({fact.subject}){{0}}."
        return Finding(lead, (fact,), (_en_date(end), _en_date(start)))
    if fact.comparator == "-":
        lead = f"应在{_cn_date(end)}{fact.detail}：{fact.subject}（{_cn_date(start)}）前{span}{{0}}。"
    else:
        lead = f"最晚{_cn_date(end)}：从{fact.subject}（{_cn_date(start)}）起{span}内{fact.detail}{{0}}。"
    return Finding(lead, (fact,), (_cn_date(end), _cn_date(start)))


_CONSEQUENCE = re.compile(r"[，,]\s*(?:则|就)?((?:需|应|建议|要|须|可)[^。；;]*)")


def consequence(sentence: str) -> str:
    """What the article says to do when its threshold is crossed ("…，则需立即启动风险排查" -> "需立即启动风险排查")."""
    found = _CONSEQUENCE.search(sentence)
    return found.group(1).strip() if found else ""


def _judged(value: float, unit: str, fact: Fact, english: bool) -> str:
    assert fact.value is not None
    limit = f"{_num(fact.value)}{fact.unit}"
    mine = f"{_num(value)}{unit}"
    over = value > fact.value if fact.comparator == ">" else value < fact.value
    if english:
        side = "above" if value > fact.value else "below" if value < fact.value else "at"
        verdict = "which the articles treat as a warning sign" if over else "so this line is not crossed"
        limit, mine = f"{_num(fact.value)}{_en_unit(fact.unit)}", f"{_num(value)}{_en_unit(unit)}"
        return f"{mine} is {side} the {limit} in the articles ({fact.subject}{fact.detail}){{0}}, {verdict}."
    side = "高于" if value > fact.value else "低于" if value < fact.value else "等于"
    todo = consequence(fact.sentence)
    verdict = (f"按资料，{todo}" if todo else "已触及这条线") if over else "未触及这条线"
    gap = f"（{'高出' if value > fact.value else '低了'}{_gap(value, fact)}）" if value != fact.value else ""
    return f"{mine}{side}资料中的“{fact.subject}{fact.detail}{limit}”{{0}}{gap}，{verdict}。"


def _gap(value: float, fact: Fact) -> str:
    """How far ``value`` is from the threshold, in its unit ("2.3个百分点", "0.15", "5天")."""
    assert fact.value is not None
    amount = _num(round(abs(value - fact.value), 2))
    return f"{amount}个百分点" if fact.unit == "%" else f"{amount}{fact.unit}"


def _each_named(question: Question, facts: list[Fact], relevance: Relevance) -> list[tuple[Figure, Fact]]:
    """Each user figure with the threshold of the metric named just before it ("逾期率9%、DSO同比上升18%")."""
    out: list[tuple[Figure, Fact]] = []
    for figure in question.figures:
        before = question.text[max(0, figure.at - 10) : figure.at].lower()
        fact = _best(facts, relevance, lambda f, g=figure, b=before: f.kind == "threshold" and _matches_unit(g, f)
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
    if question.compares_own_figures and len(named) < 2:  # figures of different metrics are no change
        return _change(question, *_metric_facts(question, facts, relevance))
    facts, relevance = _metric_facts(question, facts, relevance)
    if len(named) > 1:
        leads = [_judged(g.value, g.unit, f, question.english).format(f"{{{n}}}").rstrip("。.") for n, (g, f) in enumerate(named)]
        end = ("; ", ".") if question.english else ("；", "。")
        gaps = tuple(_gap(g.value, f) for g, f in named)
        return Finding(end[0].join(leads) + end[1], tuple(f for _, f in named), gaps)
    for figure in reversed(question.figures):
        fact = _best(facts, relevance, lambda f, g=figure: f.kind == "threshold" and _matches_unit(g, f))
        if fact is not None:
            return Finding(_judged(figure.value, figure.unit, fact, question.english), (fact,),
                           (_gap(figure.value, fact),))
    return _trend_only(question, facts)


def _trend_only(question: Question, facts: list[Fact]) -> Finding | None:
    """One figure of a metric the articles judge only by its change ("周转天数58天" against "同比延长三成")."""
    lowered = question.text.lower()
    named = [m for m, aliases in metric_aliases().items() if any(a.lower() in lowered for a in aliases)]
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


def _change(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    units = [f.unit for f in question.figures]
    unit = next(u for u in units if units.count(u) >= 2)
    old, new = [f.value for f in question.figures if f.unit == unit][:2]
    if not old:
        return None
    change = (new - old) / old * 100
    moved = f"{_typed_metric(question)}{_num(old)}{unit}→{_num(new)}{unit}"
    rate = f"{_num(round(abs(change), 2))}%"
    derived = [rate, moved]
    if unit not in ("%", "天"):
        # a level in its own unit ("1.2倍 -> 1.8倍"): the new level against the threshold of that unit
        level = _best(facts, relevance, lambda f: f.kind == "threshold" and f.unit == unit)
        if level is not None:
            return Finding(f"{moved}。" + _judged(new, unit, level, question.english), (level,),
                           (*derived, _gap(new, level)))
    fact = _best(facts, relevance, lambda f: f.kind == "threshold" and f.unit == "%" and f.comparator == ">")
    if unit == "%":
        points = f"{_num(round(abs(new - old), 2))}个百分点"
        derived.append(points)
        lead = f"{moved}，{'上升' if change > 0 else '下降'}{points}，相对变化{rate}"
    else:
        lead = f"{moved}，{'增加' if change > 0 else '减少'}{rate}"
    if fact is None or fact.value is None:
        case = _best(facts, relevance, lambda f: f.kind == "change" and f.unit == unit and bool(f.value))
        if case is None:
            return None  # a change nobody in the articles judges or reports is no answer by itself
        return _against_case(lead, change, case, tuple(derived))
    over = change > fact.value
    todo = consequence(fact.sentence)
    advice = (f"，按资料，{todo}" if todo else "") if over else ""
    verdict = "超过" if over else "未超过"
    return Finding(f"{lead}，{verdict}资料中“{fact.subject}{fact.detail}{_num(fact.value)}%”这条线{{0}}{advice}。",
                   (fact,), tuple(derived))


def _against_case(lead: str, change: float, case: Fact, derived: tuple[str, ...]) -> Finding:
    """The user's change next to a change the articles report ("逾期率从9%降到4%")."""
    assert case.value is not None and case.value2 is not None
    theirs = (case.value2 - case.value) / case.value * 100
    rate = f"{_num(round(abs(theirs), 2))}%"
    verb = "下降" if theirs < 0 else "上升"
    bigger = abs(change) > abs(theirs)
    size = "降幅" if change < 0 else "增幅"
    verdict = f"{size}比案例大" if bigger else f"{size}比案例小" if abs(change) < abs(theirs) else f"{size}与案例相当"
    case_line = f"{case.subject}从{_num(case.value)}{case.unit}{verb}到{_num(case.value2)}{case.unit}"
    if case.unit == "%":
        case_line += f"（{_num(round(abs(case.value2 - case.value), 2))}个百分点）"
    return Finding(f"{lead}；资料中的案例是{case_line}{{0}}，相对{verb}{rate}，您的{verdict}。", (case,),
                   (*derived, rate, f"{_num(round(abs(case.value2 - case.value), 2))}"))


def nth_step(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """Step ``question.step`` of the most relevant ordered procedure (-1: its last step)."""
    if question.step == 0:
        return None
    sequences: dict[tuple[str, str], list[Fact]] = {}
    for fact in facts:
        if fact.kind == "step":
            sequences.setdefault((fact.chunk_id, fact.subject), []).append(fact)
    scored = [
        (max(relevance(f) for f in steps), steps) for steps in sequences.values() if len(steps) >= question.step
    ]
    scored = [s for s in scored if s[0] >= MIN_RELEVANCE]
    if not scored:
        return None
    steps = max(scored, key=lambda s: s[0])[1]
    step = steps[question.step - 1] if question.step > 0 else steps[-1]
    if question.english:
        return Finding(f"{'Step ' + str(question.step) if question.step > 0 else 'The last step'}: {step.detail}{{0}}.", (step,))
    if question.step < 0:
        return Finding(f"最后一步（第{_ordinal(len(steps))}步）是{step.detail}{{0}}。", (step,), (_ordinal(len(steps)),))
    ordinal = _CN_ORDINAL[question.step - 1] if question.step <= len(_CN_ORDINAL) else str(question.step)
    return Finding(f"第{ordinal}步是{step.detail}{{0}}。", (step,))


_CHANGE_WORDS = re.compile(r"同比|环比|增加|增长|上升|延长|减少|下降")


def _is_change(fact: Fact) -> bool:
    """A threshold on a metric's change ("周转天数同比增加三成"), not on its level ("降至1.2" is a level)."""
    return bool(_CHANGE_WORDS.search(fact.detail)) and not re.search(r"至|到", fact.detail)


def _line(fact: Fact) -> str:
    assert fact.value is not None
    return f"{fact.subject}{fact.detail}{_num(fact.value)}{fact.unit}"


def _moved(metric: str, old: float, new: float, unit: str, fact: Fact | None, mark: str,
           english: bool = False) -> tuple[str, tuple[str, ...]]:
    """The change from the earlier value, judged against the articles' threshold on that change when there is one."""
    change = (new - old) / old * 100
    step, rate = f"{_num(round(abs(new - old), 2))}{unit}", f"{_num(round(abs(change), 1))}%"
    sign = "+" if change >= 0 else "−"
    if english:
        text = (f"{'up' if new > old else 'down'} {_num(round(abs(new - old), 2))}{_en_unit(unit)} from "
                f"{_num(old)}{_en_unit(unit)} ({sign}{rate})")
    else:
        text = f"比之前的{_num(old)}{unit}{'增加' if new > old else '减少'}{step}（{sign}{rate}）"
    if fact is not None and fact.value is not None:
        over = change > fact.value if fact.comparator == ">" else change < -fact.value
        todo = consequence(fact.sentence)
        if english:
            text += (f", {'over' if over else 'within'} the articles' line “{_line(fact)}”{mark}"
                     + (f" (they say: {todo})" if over and todo else ""))
        else:
            advice = f"，按资料，{todo}" if over and todo else ""
            text += f"，{'超过' if over else '未超过'}资料中“{_line(fact)}”这条线{mark}{advice}"
    return text, (step, rate, f"{_num(old)}{unit}", f"{_num(round(abs(new - old), 2))}")


def _mention(facts: list[Fact], metric: str, english: bool = False) -> Finding | None:
    """What the articles say about a metric they give no line for: the first sentence naming it, quoted."""
    names = [n.lower() for n in names_of(metric) if n]
    for fact in facts:
        if any(n in fact.sentence.lower() for n in names):
            said = "What the articles say on it: " if english else "资料里相关的说法："
            return Finding(f"{said}{fact.sentence.rstrip('。.')}{{0}}{'.' if english else '。'}", (fact,), judges=False)
    return None


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


def _ordinal(n: int) -> str:
    return _CN_ORDINAL[n - 1] if 1 <= n <= len(_CN_ORDINAL) else str(n)


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
        shown = f"{_num(value)}{_en_unit(unit) if english else unit}"
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
    meant = next((f for f in facts_about(facts, metric) if f.kind == "definition" and f.detail), None)
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


_ASKS_LEVEL = re.compile(r"多少|几|多高|多大|什么水平|什么程度|how much|how high|what level", re.IGNORECASE)


def benchmark(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """"How much is too much" for a metric the question names: the article's threshold for it."""
    if question.figures or not question.kinds & {"threshold", "percent"} or not _ASKS_LEVEL.search(question.text):
        return None
    named, relevance = _metric_facts(question, facts, relevance)
    if named is facts:
        return None  # no metric named: a threshold of some other metric would not answer
    fact = _best(named, relevance, lambda f: f.kind == "threshold" and f.value is not None)
    if fact is None or fact.value is None:
        return None
    todo = consequence(fact.sentence)
    line = f"{fact.subject}{fact.detail}{_num(fact.value)}{fact.unit}"
    if question.english:
        return Finding(f"The articles' line is “{line}”{{0}}{' (' + todo + ')' if todo else ''}.", (fact,))
    return Finding(f"资料给出的线是“{line}”{{0}}{'，' + todo if todo else ''}。", (fact,))


def define(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """What a term means, by the article's own definition (it wins over a generic one, and says so)."""
    if "definition" not in question.kinds:
        return None
    fact = _best(facts, relevance, lambda f: f.kind == "definition" and f.subject[-3:] in question.text)
    if fact is None:
        return None
    if question.english:
        return Finding(f"The articles define {fact.subject} as {fact.detail}{{0}}.", (fact,))
    return Finding(f"按资料的定义，{fact.subject}指{fact.detail}{{0}}。", (fact,))


_CURRENT_STEP = tuple(w.lower() for w in words("current_step_questions"))  # lexicon.yaml
_CLOCK_START = tuple(w.lower() for w in words("clock_start_questions"))  # lexicon.yaml
_DAYS = ("天", "日")
_NAMES_LIMIT = re.compile(r"期限|时限|时效")  # a question naming a time limit without its figure


def _stated(fact: Fact) -> str:
    """The duration as its sentence writes it ("3日", "15个工作日", "30-60个工作日"), or ""."""
    assert fact.value is not None
    span = rf"{_num(fact.value)}(?:\s*[-–~至到]\s*{_num(fact.value2)})?" if fact.value2 else _num(fact.value)
    found = re.search(rf"{span}\s*(?:个)?{fact.unit}", fact.sentence)
    return found.group(0) if found else ""


def _step_clause(fact: Fact) -> str:
    """The clause of a schedule that holds one of its steps ("15天后发出正式催收通知并暂停新订单")."""
    stated = _stated(fact)
    clause = next((c for c in re.split(r"[，,；;：:。]", fact.sentence) if stated and stated in c), "")
    return re.sub(r"^(在|并|且|再)", "", clause.strip())


def _within(fact: Fact) -> bool:
    """True for a step done within its days ("逾期3日内…"), which starts on day 0."""
    stated = _stated(fact)
    return bool(stated) and bool(re.search(re.escape(stated) + r"\s*(以内|之内|内)", fact.sentence))


def elapsed_step(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """Where the user stands in a schedule of day-counted steps, from the days they say have passed
    ("逾期10天了，到哪一步了" -> past "逾期3日内发函", next "15天后发催收通知"): the current step and the next."""
    lowered = question.text.lower()
    days = [f for f in question.figures if f.unit in _DAYS]
    if question.english or question.dates or len(days) != 1 or not any(w in lowered for w in _CURRENT_STEP):
        return None
    schedules: dict[tuple[str, str], list[Fact]] = {}
    for fact in facts:
        if fact.kind == "duration" and fact.comparator == "+" and fact.unit in _DAYS and fact.value and fact.detail:
            schedules.setdefault((fact.chunk_id, fact.sentence), []).append(fact)
    scored = [(max(relevance(f) for f in steps), steps) for steps in schedules.values() if len(steps) >= 2]
    scored = [s for s in scored if s[0] >= MIN_RELEVANCE and all(_step_clause(f) for f in s[1])]
    if not scored:
        return None
    steps = sorted(max(scored, key=lambda s: s[0])[1], key=lambda f: (0 if _within(f) else f.value or 0, f.value or 0))
    if not _counts_since(question, days[0], {f.subject for f in steps}):
        return None  # "账期60天", "到期前5天": days, but not days since the schedule's event
    elapsed = days[0].value
    started = [f for f in steps if (0 if _within(f) else f.value or 0) <= elapsed]
    coming = [f for f in steps if f not in started]
    event = steps[0].subject if steps[0].subject and steps[0].subject in question.text else ""  # "逾期第10天"
    now = f"{event}第{_num(elapsed)}天"
    if not started:
        lead = f"{now}，还没到第一步“{_step_clause(coming[0])}”{{0}}。"
    else:
        current = started[-1]
        passed = _within(current) and current.value is not None and elapsed > current.value
        where = f"已过“{_step_clause(current)}”这一步" if passed else f"眼下这一步是“{_step_clause(current)}”"
        then = f"，下一步是“{_step_clause(coming[0])}”" if coming else ("，后面没有更晚的步骤" if passed else "")
        lead = f"{now}，{where}{then}{{0}}。"
    return Finding(lead, (steps[0],), (now,), whole=True)


def _counts_since(question: Question, figure: Figure, events: set[str]) -> bool:
    """True when the user's days count from one of the schedule's start events, named just before them
    ("逾期10天", "拖欠了12天"; not "到期前5天")."""
    names = {w for e in events if e for key, words in event_synonyms().items() if key in e for w in words} | events
    before = question.text[max(0, figure.at - 8) : figure.at]
    named = [before.rfind(w) for w in names if w and w in before]
    return bool(named) and "前" not in before[max(named) :]


def clock_start(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """For "这30天从哪天开始算": the event the time limit is counted from, as the article says it."""
    lowered = question.text.lower()
    if question.english or question.dates or not any(w in lowered for w in _CLOCK_START):
        return None
    given = {f.value for f in question.figures}
    if not given and not _NAMES_LIMIT.search(question.text):
        return None  # "DSO从什么时候开始算" asks of no time limit

    def accept(fact: Fact) -> bool:
        named = not given or fact.value in given or fact.value2 in given  # the limit the user names
        return fact.kind == "duration" and fact.comparator == "+" and bool(fact.subject) and named and bool(_stated(fact))

    fact = _best(facts, relevance, accept)
    if fact is None:
        return None
    return Finding(f"{_stated(fact)}从{fact.subject}起算{{0}}。", (fact,))


REASONERS = (deadline, clock_start, elapsed_step, compare, nth_step, which_first, benchmark, define)


def reason(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """The first finding any reasoner makes for the question, or None."""
    for reasoner in REASONERS:
        finding = reasoner(question, facts, relevance)
        if finding is not None:
            return finding
    return None
