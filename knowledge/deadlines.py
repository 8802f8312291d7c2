"""Reasoning about time limits: the date a limit ends, the event its clock starts from, and where the user
stands in a schedule of day-counted steps.

The clock starts where the article says it does: the date whose words are closest to the limit's start event.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import replace
from datetime import date, timedelta

from knowledge.facts import Fact
from knowledge.findings import MIN_RELEVANCE, Finding, Relevance, best, en_unit, num
from knowledge.lexicon import event_synonyms, words
from knowledge.questions import Figure, Question


_EN_MONTHS = tuple(calendar.month_name)


def cn_date(d: date) -> str:
    return f"{d.month}月{d.day}日"


def en_date(d: date) -> str:
    return f"{_EN_MONTHS[d.month]} {d.day}"


def shift(start: date, unit: str, value: float, before: bool = False) -> date:
    """``start`` moved on (back, ``before``) by ``value`` days, working days or calendar months."""
    sign = -1 if before else 1
    if unit == "工作日":
        day, left = start, int(value)
        while left:
            day += timedelta(days=sign)
            if day.weekday() < 5:
                left -= 1
        return day
    if unit in ("月", "个月"):
        month = start.month - 1 + sign * int(value)
        year, month = start.year + month // 12, month % 12 + 1
        return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
    return start + timedelta(days=sign * value)


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
    def limit(fact: Fact) -> bool:
        return fact.kind == "duration" and fact.value is not None and bool(fact.subject)

    # an English question shares only glossary terms with the facts: the start event it names decides first
    named = (best(facts, relevance, lambda f: limit(f) and _names_event(question, f.subject))
             if question.english else None)
    # ...and of the steps counted from it, the one doing what the question names ("go legal": 法律程序), the
    # clauses of one sentence sharing all its other words
    acts = [t for t in re.findall(r"[\u4e00-\u9fff]{2,}", question.text) if named and t not in named.subject]
    acting = (best(facts, relevance, lambda f: limit(f) and _names_event(question, f.subject)
                   and any(t in f.detail for t in acts)) if acts else None)
    named = acting or named
    # a limit the user quotes ("说是60天内完成评估") is the one they mean, whichever limit shares more words
    quoted = _quoted_limits(question)
    said = best(facts, relevance, lambda f: limit(f) and (f.value in quoted or f.value2 in quoted)) if quoted else None
    fact = named or said or best(facts, relevance, limit)
    if fact is None or fact.value is None:
        return None
    start = _start_date(question, fact)
    end = shift(start, fact.unit, fact.value2 or fact.value, fact.comparator == "-")
    span = f"{num(fact.value)}{'-' + num(fact.value2) if fact.value2 else ''}{fact.unit}"
    if question.english:
        span = span[: -len(fact.unit)] + en_unit(fact.unit) if fact.unit else span
        when = "before" if fact.comparator == "-" else "after"
        lead = f"{en_date(end)}: {span} {when} {en_date(start)} ({fact.subject}){{0}}."
        return Finding(lead, (fact,), (en_date(end), en_date(start)))
    if fact.comparator == "-":
        lead = f"应在{cn_date(end)}{fact.detail}：{fact.subject}（{cn_date(start)}）前{span}{{0}}。"
    else:
        lead = f"最晚{cn_date(end)}：从{fact.subject}（{cn_date(start)}）起{span}内{fact.detail}{{0}}。"
    return Finding(lead, (fact,), (cn_date(end), cn_date(start)))


# a number of days the user quotes as a limit: "60天内", "15个工作日以内"
_WITHIN = re.compile(r"(\d+(?:\.\d+)?)\s*(?:个)?(?:工作日|天|日)\s*(?:以内|之内|内)")
_EN_WITHIN = re.compile(r"\bwithin\s+(\d+(?:\.\d+)?)\s*(?:working\s+|business\s+)?days?\b", re.IGNORECASE)  # "within 60 days"


def _quoted_limits(question: Question) -> set[float]:
    """The day counts the question quotes as time limits ("文章说60天内完成评估" -> {60})."""
    return {float(m.group(1)) for m in (*_WITHIN.finditer(question.text), *_EN_WITHIN.finditer(question.text))}


_DUE_WORDS = ("到期", "截止")  # the earlier of two dates is a due date when one of these follows it
_EN_DUE = re.compile(r"\bdue\b", re.I)  # ...or, in English, when "due" comes shortly before it
_CURRENT_STEP = tuple(w.lower() for w in words("current_step_questions"))  # lexicon.yaml
_CLOCK_START = tuple(w.lower() for w in words("clock_start_questions"))  # lexicon.yaml
_TIME_LEFT = tuple(words("time_left_questions"))  # lexicon.yaml
# the user's days have passed since the event ("10天前就知道了", "过去25天", "过了35天", "第20天")
_PASSED_BEFORE = re.compile(r"(?:过去|过了|已经|都|第)了?$")
_PASSED_AFTER = re.compile(r"[天日]\s*(?:前|了|过去|之后|后)")
_DAYS = ("天", "日")
_EN_DAYS = re.compile(r"\d[\d.]*\s*(working\s+)?days?\b")  # "15 days": an English question's unit
# a question naming a time limit without its figure ("期限", "多少天内交")
_NAMES_LIMIT = re.compile(r"期限|时限|时效|(?:多少|几)个?(?:工作)?[天日]内")


def _stated(fact: Fact) -> str:
    """The duration as its sentence writes it ("3日", "15个工作日", "30-60个工作日"), or ""."""
    assert fact.value is not None
    span = rf"{num(fact.value)}(?:\s*[-–~至到]\s*{num(fact.value2)})?" if fact.value2 else num(fact.value)
    found = re.search(rf"{span}\s*(?:个)?{fact.unit}", fact.sentence)
    return found.group(0) if found else ""


def _step_clause(fact: Fact) -> str:
    """The clause of a schedule that holds one of its steps ("15天后发出正式催收通知并暂停新订单")."""
    stated = _stated(fact)
    clause = next((c for c in re.split(r"[，,；;：:。]", fact.sentence) if stated and stated in c), "")
    return re.sub(r"^(在|并|且|再)", "", clause.strip())


def within(fact: Fact) -> bool:
    """True for a step done within its days ("逾期3日内…"), which starts on day 0."""
    stated = _stated(fact)
    return bool(stated) and bool(re.search(re.escape(stated) + r"\s*(以内|之内|内)", fact.sentence))


def _offset(fact: Fact) -> float:
    """Where a step of a schedule starts, in days from its event ("到期前7天" -7, "逾期3日内" 0, "15天后" 15)."""
    if fact.comparator == "-":
        return -(fact.value or 0)
    return 0 if within(fact) else fact.value or 0


def schedule_steps(facts: list[Fact]) -> list[list[Fact]]:
    """The schedules of day-counted steps, one per sentence of two or more ("到期前7天提醒，到期后3日内发函，
    逾期15天起诉"), each as ordered ``step`` facts whose text is the step's own clause, its event named
    when the clause begins with its figure ("15天后发通知" -> "逾期15天后发通知")."""
    schedules: dict[tuple[str, str], list[Fact]] = {}
    for fact in facts:
        if fact.kind == "duration" and fact.unit in _DAYS and fact.value and fact.detail and _step_clause(fact):
            schedules.setdefault((fact.chunk_id, fact.sentence), []).append(fact)
    out = []
    for timed in schedules.values():
        if len(timed) < 2:
            continue
        ordered = sorted(timed, key=_offset)
        event = ordered[0].subject
        out.append([replace(f, kind="step", position=n, detail=_with_event(_step_clause(f), event))
                    for n, f in enumerate(ordered, start=1)])
    return out


def _with_event(clause: str, event: str) -> str:
    return f"{event}{clause}" if clause[:1].isdigit() and event else clause


def elapsed_step(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """Where the user stands in a schedule of day-counted steps, from the days they say have passed
    ("逾期10天了，到哪一步了" -> past "逾期3日内发函", next "15天后发催收通知"): the current step and the next."""
    lowered = question.text.lower()
    days = [f for f in question.figures if f.unit in _DAYS or (question.english and _EN_DAYS.match(lowered, f.at))]
    since_due = _days_since_due(question) if not days else None
    if since_due is not None:
        days = [since_due]
    elif question.dates or len(days) != 1:
        return None
    if not any(w in lowered for w in _CURRENT_STEP):
        return None
    schedules: dict[tuple[str, str], list[Fact]] = {}
    for fact in facts:
        if fact.kind == "duration" and fact.comparator == "+" and fact.unit in _DAYS and fact.value and fact.detail:
            schedules.setdefault((fact.chunk_id, fact.sentence), []).append(fact)
    # days counted from a due date the user gave are days overdue: a schedule counted from the due date (or from
    # falling overdue) is the one, though an English question shares no word with it
    from_due = since_due is not None and question.english
    scored = [(max(max(relevance(f), MIN_RELEVANCE if from_due and _counts_from_due(f) else 0.0) for f in steps), steps)
              for steps in schedules.values() if len(steps) >= 2]
    scored = [s for s in scored if s[0] >= MIN_RELEVANCE and all(_step_clause(f) for f in s[1])]
    if not scored:
        return None
    steps = sorted(max(scored, key=lambda s: s[0])[1], key=lambda f: (0 if within(f) else f.value or 0, f.value or 0))
    if since_due is None and not _counts_since(question, days[0], {f.subject for f in steps}):
        return None  # "账期60天", "到期前5天": days, but not days since the schedule's event
    elapsed = days[0].value
    started = [f for f in steps if (0 if within(f) else f.value or 0) <= elapsed]
    coming = [f for f in steps if f not in started]
    event = steps[0].subject if steps[0].subject and steps[0].subject in question.text else ""  # "逾期第10天"
    if question.english:
        return Finding(_english_step(elapsed, started, coming), (steps[0],), (num(elapsed),), whole=True)
    now = f"{'到期后' if since_due is not None else event}第{num(elapsed)}天"
    if not started:
        lead = f"{now}，还没到第一步“{_step_clause(coming[0])}”{{0}}。"
    else:
        current = started[-1]
        passed = within(current) and current.value is not None and elapsed > current.value
        where = f"已过“{_step_clause(current)}”这一步" if passed else f"眼下这一步是“{_step_clause(current)}”"
        then = f"，下一步是“{_step_clause(coming[0])}”" if coming else ("，后面没有更晚的步骤" if passed else "")
        lead = f"{now}，{where}{then}{{0}}。"
    return Finding(lead, (steps[0],), (now,), whole=True)


def _counts_from_due(fact: Fact) -> bool:
    return any(w in fact.subject for w in (*_DUE_WORDS, "逾期", "拖欠"))


def _names_event(question: Question, event: str) -> bool:
    """True when the question names the event a limit counts from, in any of its words ("learned" for 知悉)."""
    lowered = question.text.lower()
    return any(w.lower() in lowered for key, said in event_synonyms().items() if key in event for w in said)


def _english_step(elapsed: float, started: list[Fact], coming: list[Fact]) -> str:
    """The user's place in the schedule in English, each step quoted as the article words it."""
    if not started:
        return f"At {num(elapsed)} days: the first step, “{_step_clause(coming[0])}”, has not come yet{{0}}."
    current = started[-1]
    passed = within(current) and current.value is not None and elapsed > current.value
    where = f"past the step “{_step_clause(current)}”" if passed else f"the step now is “{_step_clause(current)}”"
    then = f", the next is “{_step_clause(coming[0])}”" if coming else ""
    return f"At {num(elapsed)} days: {where}{then}{{0}}."


def _days_since_due(question: Question) -> Figure | None:
    """The days from a due date to a later date the user gives ("7月1日到期，今天都8月5日了" -> 35天; "due
    2 May, still open on 9 May" -> 7)."""
    if len(question.dates) != 2:
        return None
    (due, at), (now, now_at) = sorted(question.dates)
    # English names the due date before it ("due 1 March", "due on March 1"), Chinese after it ("7月1日到期")
    named = (_EN_DUE.search(question.text[max(0, at - 12) : at]) if question.english
             else any(w in question.text[at : at + 14] for w in _DUE_WORDS))
    if now <= due or not named:
        return None
    return Figure(float((now - due).days), "天", now_at)


def _counts_since(question: Question, figure: Figure, events: set[str]) -> bool:
    """True when the user's days count from one of the schedule's start events, named just before them
    ("逾期10天", "拖欠了12天"; not "到期前5天"), or in English just after them ("15 days late")."""
    names = {w for e in events if e for key, words in event_synonyms().items() if key in e for w in words} | events
    if question.english:
        after = question.text[figure.at : figure.at + 30].lower()
        return any(re.match(rf"\S+\s+(working\s+)?days?\s+(\w+\s+)?{re.escape(w)}\b", after) for w in names if w.isascii())
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

    fact = best(facts, relevance, accept)
    if fact is None:
        return None
    return Finding(f"{_stated(fact)}从{fact.subject}起算{{0}}。", (fact,))


def time_left(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """Whether a time limit still holds after the days the user says have passed since its event, and how many
    of its days are left ("知道破产已经25天了，还来得及吗" against "知悉破产事件后30天内提交" -> 还剩5天)."""
    if question.english or question.dates or not any(w in question.text for w in _TIME_LEFT):
        return None
    days = [f for f in question.figures if f.unit in _DAYS]
    if len(days) != 1 or len(question.figures) != 1 or not _passed(question, days[0]):
        return None

    def accept(fact: Fact) -> bool:  # a limit to act within, counted from an event the user names
        return (fact.kind == "duration" and fact.comparator == "+" and fact.unit in _DAYS and bool(fact.value)
                and within(fact) and bool(fact.subject)
                and (fact.subject in question.text or _names_event(question, fact.subject)))

    fact = best(facts, relevance, accept)
    if fact is None or fact.value is None:
        return None
    passed, limit = days[0].value, fact.value
    said = f"资料说“{_step_clause(fact) or fact.sentence.rstrip('。')}”{{0}}"
    if passed <= limit:
        left = num(limit - passed)
        return Finding(f"还来得及：{said}，已过{num(passed)}天，还剩{left}天。", (fact,), (left,))
    over = num(passed - limit)
    return Finding(f"已超过期限：{said}，已过{num(passed)}天，超出{over}天。", (fact,), (over,))


def _passed(question: Question, figure: Figure) -> bool:
    """True when the user's days are days gone by since something ("过去25天了", "10天前", "第20天")."""
    before = question.text[max(0, figure.at - 4) : figure.at]
    end = figure.at + len(num(figure.value))
    return bool(_PASSED_BEFORE.search(before) or _PASSED_AFTER.match(question.text, end))
