"""Reasoning about how long a debt has gone unpaid against the articles' "N天以上" lines.

"客户拖了120天了，算长期拖欠吗" against "逾期90天以上未支付" and "账期180天以上的长期拖欠": the user's days are
set against each line the articles draw for that state of a debt, so a question the articles disagree on
gets both lines, each cited ("120天已超过…90天以上…，但未到…180天以上…").
"""

from __future__ import annotations

import re

from knowledge.facts import Fact
from knowledge.findings import MIN_RELEVANCE, Finding, Relevance, num
from knowledge.lexicon import event_synonyms, words
from knowledge.questions import Figure, Question
from knowledge.terms import STOPWORDS, segment

# the question asks whether the user's days reach a state, or are paid for ("算不算", "够不够", "赔不赔")
_JUDGING = re.compile(r"算|够|属于|达到|到没到|赔|管不管|能不能")
# the user's days count how late a debt is: a word of lateness just before them ("拖了120天", "超过账期200天")
_LATE = re.compile(r"(?:拖|逾期|超|过期|欠|过了|晚|迟)[^，,。；;？?！!\d]{0,6}$")
_SHARED_PAIRS = 2  # character pairs the line's sentence shares with the question (it is about the same state)
_MAX_LINES = 2


def _pairs(text: str) -> set[str]:
    han = re.sub(r"[^\u4e00-\u9fff]", " ", text)
    return {w[i : i + 2] for w in han.split() for i in range(len(w) - 1)}


def day_lines(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """The user's number of days against the articles' "N天以上" lines on the state the question names."""
    late = _late_days(question)
    if question.english or question.dates or late is None:
        return None
    figure, value, mine = late
    judging = _JUDGING.search(question.text) or "cover" in question.kinds  # "晚了一个月，能报保险吗"
    if not judging or not _LATE.search(question.text[max(0, figure.at - 8) : figure.at]):
        return None
    asked = _pairs(question.text)
    on_cover = _asks_cover(question)
    lines: dict[float, Fact] = {}
    for fact in sorted(facts, key=relevance, reverse=True):
        if (fact.kind not in ("duration", "threshold") or fact.unit != "天" or fact.value is None or fact.value in lines
                or f"{num(fact.value)}天以上" not in fact.sentence or "%" in _clause(fact)):
            continue  # "60%的坏账源于逾期90天以上的账款" reports a share, it draws no line
        shared = len(asked & _pairs(fact.sentence)) >= _SHARED_PAIRS and (lines or relevance(fact) >= MIN_RELEVANCE)
        if shared or (on_cover and _cover_line(fact)):  # the first line relevant, others on its state
            lines[fact.value] = fact
    if not lines or (on_cover and _names_another_cause(question.text, list(lines.values()))):
        return None
    chosen = sorted(list(lines.values())[:_MAX_LINES], key=lambda f: f.value or 0)
    # "90天以上" takes in the 90th day itself (以上 counts its own figure in Chinese usage)
    over = [value >= (f.value or 0) for f in chosen]
    reach = lambda f, o: "未到" if not o else "已达到" if value == f.value else "已超过"  # noqa: E731
    said = [f"{reach(f, o)}资料中“{_clause(f)}”的说法{{{n}}}" for n, (f, o) in enumerate(zip(chosen, over))]
    if len(set(over)) > 1:  # the user's days fall between the articles' lines: it depends on which holds
        return Finding(f"要看保单：资料说法不一，{mine}{'，但'.join(said)}，以保单条款为准。", tuple(chosen), (num(value),))
    return Finding(f"{mine}{'，也'.join(said)}。", tuple(chosen), (num(value),))


# days in a month and a year, for a debt's age told in months or years ("拖了4个月" is about 120 days)
_MONTH_DAYS, _YEAR_DAYS = 30, 365


def _late_days(question: Question) -> tuple[Figure, float, str] | None:
    """The user's one figure of time as days, with how the answer says it ("100天", "4个月（约120天）")."""
    if len(question.figures) != 1:
        return None
    figure = question.figures[0]
    if figure.unit == "天":
        return figure, figure.value, f"{num(figure.value)}天"
    after = question.text[figure.at :].lstrip("0123456789.")
    per = _MONTH_DAYS if figure.unit in ("个月", "月") else _YEAR_DAYS if not figure.unit and after.startswith("年") else 0
    if not per:
        return None
    told = f"{num(figure.value)}{figure.unit or '年'}{'多' if after.lstrip('个月年').startswith('多') else ''}"
    return figure, figure.value * per, f"{told}（约{num(figure.value * per)}天）"


def _asks_cover(question: Question) -> bool:
    """Whether the question asks if the insurance pays for a debt so late ("保险能赔不", "够不够理赔条件")."""
    return "cover" in question.kinds or "赔" in question.text or "保险" in question.text


def _cover_line(fact: Fact) -> bool:
    """A line on what is covered, drawn on how late a debt is ("承保…超合同约定账期180天以上的长期拖欠"): it answers
    "拖了100天，保险赔吗" though the user's words ("拖了", "没付款") are not the article's."""
    late = [*event_synonyms().get("逾期", []), "账期"]
    return any(w in fact.sentence for w in words("cover_line_words")) and any(w in _clause(fact) for w in late)


# the parts of a cover sentence that list its risks one by one ("买方破产…，以及买方超期拖欠…")
_ITEMS = re.compile(r"[，,；;、]|以及|或者?|和")


def _names_another_cause(text: str, lines: list[Fact]) -> bool:
    """Whether the question names a risk a cover line's sentence lists besides the late debt ("买方破产了 欠了三个月
    货款 能赔吗"): the cover then follows from that risk, whatever the days. Each listed risk is named by its first
    two words that no lateness item of the lines has (买方破产 -> 买方, 破产; 无力偿付债务… -> 无力偿付, 债务)."""
    items = {fact: [i for i in _ITEMS.split(_listed(fact)) if i.strip()] for fact in lines}
    late = {w for fact, parts in items.items() for i in parts if _is_late(i, fact) for w in segment(i)}
    for fact, parts in items.items():
        for item in (i for i in parts if not _is_late(i, fact)):
            heads = [w for w in segment(item) if len(w) > 1 and w not in late and w not in STOPWORDS][:2]
            # a party the question makes late ("买方拖了200天") is the debt's subject, not another risk
            if any(re.search(re.escape(h) + r"(?!\s*(?:拖|欠|逾期|超|没付|未付))", text) for h in heads):
                return True
    return False


def _listed(fact: Fact) -> str:
    """The list of risks the line's sentence gives, up to the line's own item ("买方破产…，以及…逾期90天以上未支付")."""
    clause = _clause(fact)
    return re.split(r"[：:]", fact.sentence[: fact.sentence.find(clause)])[-1] + clause


def _is_late(item: str, fact: Fact) -> bool:
    return _clause(fact) in item or any(m in item for m in event_synonyms().get("逾期", []))


def _clause(fact: Fact) -> str:
    """The words of the line around its figure ("逾期90天以上未支付")."""
    at = fact.sentence.find(f"{num(fact.value or 0)}天以上")
    start = max(fact.sentence.rfind(c, 0, at) for c in "，,。；;（(：:、") + 1
    ends = [i for i in (fact.sentence.find(c, at) for c in "，,。；;）)") if i >= 0]
    return re.sub(r"^(?:以及|(?:通常|一般|是|即)?指)+", "", fact.sentence[start : min(ends) if ends else len(fact.sentence)].strip())
