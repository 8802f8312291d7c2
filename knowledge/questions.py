"""Understanding a question before answering it: the kind of fact asked for, the user's own figures and dates.

``understand("我们8月12号才知道买家破产 最晚哪天交材料")`` -> kinds ``{"duration"}``, one date (8-12).
The question words per kind are data (``lexicon.yaml``); dates and figures are read by their shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from knowledge.lexicon import asked_kinds, synonyms, words
from knowledge.numerals import arabic_figures, chinese_to_int, typed_amounts
from knowledge.sentences import terms
from knowledge.terms import STOPWORDS, segment, without_a_not_a

# Terms that name the field itself, not what a question is about (lexicon.yaml ``generic_terms``).
GENERIC_TERMS = frozenset(words("generic_terms"))
_MONTHS = {m: n for n, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_CN_DATE = re.compile(r"(?:(?P<y>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*(?:日|号|號)?")
_ISO_DATE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
# (the month a month's name, not any word: in "due 1 March", "due 1" is no date and must not swallow the "1")
_EN_MONTH = "|".join(_MONTHS)
_EN_DATE = re.compile(
    rf"(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_EN_MONTH})[a-z]*\.?|(?P<m2>\b(?:{_EN_MONTH}))[a-z]*\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)"
    r"(?:,?\s*(?P<y>\d{4}))?",
    re.IGNORECASE,
)
# a date told relative to today: "上个月15号", "本月3日", "昨天" (the month, or the day, counted from today)
_REL_MONTH = {"上上个月": -2, "上个月": -1, "上月": -1, "这个月": 0, "这月": 0, "本月": 0, "下个月": 1, "下月": 1}
_REL_DATE = re.compile(rf"(?P<rel>{'|'.join(sorted(_REL_MONTH, key=len, reverse=True))})\s*(?P<d>\d{{1,2}})\s*(?:日|号|號)")
# ("今天" is left out: "今天逾期20天了" tells where the user stands, not a date to count from)
_REL_DAY = {"大前天": -3, "前天": -2, "昨天": -1}
_REL_DAY_RE = re.compile("|".join(_REL_DAY))
# a weekday of last, this or next week: "上周五", "这礼拜一", "上星期三" (weeks start on Monday)
_REL_WEEK = {"上": -1, "这": 0, "本": 0, "下": 1}
_WEEKDAY = {c: n for n, c in enumerate("一二三四五六日", start=0)} | {"天": 6}
_REL_WEEKDAY = re.compile(r"(?P<w>[上这本下])(?:个)?(?:周|星期|礼拜)(?P<d>[一二三四五六日天])")
_FIGURE = re.compile(r"(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>%|％|个工作日|工作日|天|日|个多?月|倍|万|亿)?")
_STEP = re.compile(r"第([一二三四五六七八九十\d]+)步|第([一二三四五六七八九十\d]+)个?(?:环节|阶段|步骤)")
_LAST_STEP = re.compile(r"最后(?:一|1)(?:步|个?(?:环节|阶段|步骤))|last step")  # the last step of a procedure: step -1
_FIRST_STEP = tuple(w.lower() for w in words("first_step_questions"))  # "头一件事": step 1 (lexicon.yaml)
_DONE = tuple(w.lower() for w in words("step_done_words"))  # "第一步做完了": that step is behind (lexicon.yaml)
_NEXT = tuple(w.lower() for w in words("next_step_questions"))
# the articles' own second ordinal asked about ("其次那条是什么", "其次呢"): step 2 of the procedure
_SECOND_STEP = re.compile(r"其次\s*(?:[那这]?\s*一?\s*[条步项点层个]\s*)?(?:是|讲|说|呢|指|干|做|要)")
# the question compares two of its own figures ("从50天涨到62天", "去年40天今年52天")
# an English "what does X mean" asks for a definition wherever X stands (the lexicon's phrases are fixed strings)
_MEANS = re.compile(r"\bwhat (?:does|do) .{1,40}?\bmean\b|\bwhat is meant by\b", re.IGNORECASE)
# "到几个点就该报警", "掉到多少就要排查": a how-much word, no unit of time or money after it, and soon after it
# 就/才/算 (the level at which something starts or counts): the question asks a warning line, however the
# judgement is worded ("多少天就要交" asks a time limit, "赔多少" an amount: the unit tells them apart)
_LEVEL_ASK = re.compile(r"(?:多少|几个?百?分?点|百分之几)(?![天日个月年周号成次钱万元块笔家倍])[^，,。？?！!\s]{0,6}?(?:就|才|算)")
_CHANGE = re.compile(r"涨|增|升|降|减|变|从.{0,12}到|去年|今年|同比|环比|以前|现在|之前|原来|上个?月|上季度|上期|"
                     r"up|down|from|rose|fell|last (?:month|quarter|year)", re.I)


@dataclass(frozen=True)
class Figure:
    """A number the user gave, with its unit ("" for a bare ratio) and where it stands in the question."""

    value: float
    unit: str
    at: int


@dataclass
class Question:
    """What a question asks and what it gives.

    Attributes:
        text: the normalised question (Simplified, figures in digits).
        kinds: kinds of fact asked for (``duration``, ``percent``, ``threshold``, ``step``, ``definition``, ``cover``).
        figures: the user's own figures, in order (dates excluded).
        dates: the dates the user gave, in order, each with its position in the text.
        step: the step asked for ("第二步" -> 2; "最后一步" -> -1), or 0.
        english: the question is written in English (Latin letters far outnumber Chinese characters).
    """

    text: str
    kinds: set[str] = field(default_factory=set)
    figures: list[Figure] = field(default_factory=list)
    dates: list[tuple[date, int]] = field(default_factory=list)
    step: int = 0
    english: bool = False

    @property
    def compares_own_figures(self) -> bool:
        """True when the user gives two figures of one unit and asks about the change between them."""
        units = [f.unit for f in self.figures]
        return any(units.count(u) >= 2 for u in set(units)) and bool(_CHANGE.search(self.text))


def _year(text: str | None, today: date | None) -> int:
    return int(text) if text else (today or date.today()).year


def _dates(text: str, today: date | None) -> tuple[list[tuple[date, int]], list[tuple[int, int]]]:
    found: list[tuple[date, int]] = []
    spans: list[tuple[int, int]] = []
    for pattern in (_ISO_DATE, _CN_DATE):
        for m in pattern.finditer(text):
            if any(s <= m.start() < e for s, e in spans):
                continue
            try:
                found.append((date(_year(m.group("y"), today), int(m.group("m")), int(m.group("d"))), m.start()))
                spans.append(m.span())
            except ValueError:
                continue
    found += _relative_dates(text, today or date.today(), spans)
    for m in _EN_DATE.finditer(text):
        month = _MONTHS.get((m.group("m1") or m.group("m2") or "").lower()[:3])
        if month is None:
            continue
        try:
            found.append((date(_year(m.group("y"), today), month, int(m.group("d1") or m.group("d2"))), m.start()))
            spans.append(m.span())
        except ValueError:
            continue
    found.sort(key=lambda d: d[1])
    return found, spans


def _relative_dates(text: str, today: date, spans: list[tuple[int, int]]) -> list[tuple[date, int]]:
    """Dates told relative to ``today`` ("上个月15号" in December is 11月15日; "昨天", "上周五"); their spans
    join ``spans``."""
    found: list[tuple[date, int]] = []
    for m in _REL_DATE.finditer(text):
        month = today.month - 1 + _REL_MONTH[m.group("rel")]
        try:
            found.append((date(today.year + month // 12, month % 12 + 1, int(m.group("d"))), m.start()))
        except ValueError:
            continue
        spans.append(m.span())
    for m in _REL_WEEKDAY.finditer(text):
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=_REL_WEEK[m.group("w")])
        found.append((monday + timedelta(days=_WEEKDAY[m.group("d")]), m.start()))
        spans.append(m.span())
    for m in _REL_DAY_RE.finditer(text):
        found.append((today + timedelta(days=_REL_DAY[m.group()]), m.start()))
        spans.append(m.span())
    return found


def understand(question: str, today: date | None = None) -> Question:
    """The asked kinds, the user's figures and dates, and the step asked for in ``question``."""
    text = arabic_figures(typed_amounts(question))
    lowered = text.lower()
    # an English question may carry a few Chinese glossary terms added for retrieval
    han, latin = len(re.findall(r"[\u4e00-\u9fff]", text)), len(re.findall(r"[A-Za-z]", text))
    q = Question(text=text, english=latin >= 3 * han and latin > 0)
    asking = lowered.replace("好几", "好些")  # "好几个月" says "for months", it asks no length
    for kind, words in asked_kinds().items():
        if any(w.lower() in asking for w in words):
            q.kinds.add(kind)
    if _MEANS.search(text):
        q.kinds.add("definition")
    if level_asked(text):
        q.kinds.add("threshold")
    q.dates, spans = _dates(text, today) if re.search(r"\d|昨天|前天|周|星期|礼拜", text) else ([], [])
    # the last ordinal is the asked one ("第一步做完了，那第二步呢")
    step = next(reversed(list(_STEP.finditer(text))), None)
    if step:
        raw = step.group(1) or step.group(2)
        q.step = int(raw) if raw.isdigit() else chinese_to_int(raw) or 0
        after = lowered[step.end() :]
        if q.step > 0 and any(w in after for w in _DONE) and any(w in after for w in _NEXT):
            q.step += 1  # "第一步做完了 下一步干嘛": the step after the one done
        q.kinds.add("step")
    elif _SECOND_STEP.search(text):
        q.step = 2
        q.kinds.add("step")
    elif _LAST_STEP.search(lowered):
        q.step = -1
        q.kinds.add("step")
    elif any(w in lowered for w in _FIRST_STEP) and "还是" not in text:  # "先A还是先B" asks which of two
        q.step = 1
        q.kinds.add("step")
    for m in _FIGURE.finditer(text):
        if any(s <= m.start() < e for s, e in spans) or (step and step.start() <= m.start() < step.end()):
            continue
        if re.match(r"\d+/\d+", text[m.start() : m.end() + 4]) or re.search(r"(/|net\s?)$", lowered[: m.start()]):
            continue  # "2/10 net 30" names terms, not the user's figures
        # "4个多月" is at least 4 months
        unit = {"％": "%", "个工作日": "工作日", "日": "天", "个多月": "个月"}.get(m.group("unit") or "", m.group("unit") or "")
        q.figures.append(Figure(float(m.group("value")), unit, m.start()))
    q.figures = _shared_units(text, q.figures)
    return q


# between two figures of one metric in two periods: only the period word ("66天，去年同期50")
_PERIOD_GAP = re.compile(r"[\s,，、;；]*(?:去年同期|上年同期|去年|上年|同期|今年|之前|以前|原来|现在|目前)"
                         r"(?:是|为|才|只有|有|大概)?[\s,，、;；]*")


def level_asked(text: str) -> re.Match[str] | None:
    """Where ``text`` asks the level at which something counts or starts ("存货周转率得多少才行",
    "到几个点就该报警"), or None."""
    return _LEVEL_ASK.search(text)


def _shared_units(text: str, figures: list[Figure]) -> list[Figure]:
    """A bare figure next to a figure with a unit, only a period word between them, has that unit ("DSO今年66天，
    去年同期50": 50天), so the two are compared as the metric in two periods."""
    out = list(figures)
    for n, figure in enumerate(figures):
        if figure.unit:
            continue
        for other in (figures[n - 1] if n else None, figures[n + 1] if n + 1 < len(figures) else None):
            if other is None or other.unit not in ("天", "%"):
                continue
            first, last = sorted((figure, other), key=lambda f: f.at)
            end = first.at + len(re.match(r"\d+(?:\.\d+)?\s*(?:%|％|天|日)?", text[first.at :]).group())
            if _PERIOD_GAP.fullmatch(text[end : last.at]):
                out[n] = Figure(figure.value, other.unit, figure.at)
                break
    return out


def content_terms(question: str) -> list[str]:
    """The question's own subject terms: its words less function words and the words that ask
    ("多少", "多久", "几天"), as matching units (character bigrams)."""
    asking = _asking_terms()
    words = [w for w in segment(without_a_not_a(question))  # "能不能" asks, it names nothing
             if len(w) >= 2 and w not in STOPWORDS and w.lower() not in asking and not re.search(r"\d", w)]
    return [t for t in terms(" ".join(words)) if t not in GENERIC_TERMS]


# --- the asked part of a long message ---------------------------------------------------------
# A clause: text up to a comma, stop, question mark or space (casual Chinese uses spaces as commas).
_CLAUSE = re.compile(r"[^，,、。！？!?；;\s]+[，,、。！？!?；;]?")
_SENTENCE = re.compile(r"[^.?!。？！]+[.?!。？！]?")
_A_NOT_A = re.compile(r"([\u4e00-\u9fff]|\b[a-z]+)不\1", re.IGNORECASE)  # 能不能, 赔不赔, 行不行
_HAN = re.compile(r"[\u4e00-\u9fff]")
RUN_ON = 24  # a clause this long (Chinese characters) with no punctuation is a run-on (voice input)
MAX_CORES = 2
TAIL = 20  # the final words of a long run-on question, searched alone (Chinese characters)


@lru_cache(maxsize=1)
def _asking_terms() -> frozenset[str]:
    """The words that ask, lower-cased, and what the search adds for them ("几天" -> "时间 天"): they name no
    subject (worked out once: the lexicon is read once per process)."""
    asking = {w.lower() for ws in asked_kinds().values() for w in ws}
    return frozenset(asking | {w.lower() for key, added in synonyms().items() if key.lower() in asking for w in added.split()})


@lru_cache(maxsize=1)
def _asking_words() -> tuple[str, ...]:
    """The question words and the Chinese words asking a kind of fact (:func:`asks`)."""
    return words("question_words") + tuple(w for ws in asked_kinds().values() for w in ws if _HAN.search(w))


def asks(clause: str) -> bool:
    """True when the clause asks something: a question mark, a question word, or an A-not-A pair."""
    lowered = clause.lower()
    if clause.rstrip().endswith(("?", "？")) or _A_NOT_A.search(clause):
        return True
    return any(w in lowered for w in _asking_words())


def _english(text: str) -> bool:
    """Latin letters far outnumber Chinese characters (as :func:`understand` decides)."""
    return len(re.findall(r"[A-Za-z]", text)) > 3 * len(_HAN.findall(text))


def clauses(text: str) -> list[str]:
    """``text`` cut into clauses: sentences for English, else at punctuation and spaces."""
    if _english(text):
        return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    return _CLAUSE.findall(text)


def _tail(clause: str) -> str:
    """The last words of a run-on clause, about :data:`TAIL` Chinese characters (a spoken question ends there)."""
    kept: list[str] = []
    for word in reversed(segment(clause)):
        kept.insert(0, word)
        if len(_HAN.findall("".join(kept))) >= TAIL:
            break
    return "".join(kept)


def core_questions(text: str) -> list[str]:
    """The asking clauses of a long message, each with the clause before it (what it asks about).

    ``"我们开网店的 上周有个批发商突然不回消息了 这种情况能走理赔吗"`` -> ``["上周有个批发商突然不回消息了这种情况能走理赔吗"]``:
    the story around a short question is context; searching the question with its nearest clause keeps it
    from being drowned. A long run-on ending in a question also gives its last words. Empty when the message
    is short and has fewer than three clauses (it is its own core).
    """
    parts = clauses(text)
    asking = [i for i, clause in enumerate(parts) if asks(clause)]
    glue = " " if _english(text) else ""
    cores = [parts[i - 1] + glue + parts[i] if i > 0 else parts[i] for i in asking] if len(parts) >= 3 else []
    if asking and len(_HAN.findall(parts[asking[-1]])) >= RUN_ON:
        cores.append(_tail(parts[asking[-1]]))
    return [c for c in dict.fromkeys(cores[-MAX_CORES:]) if c.strip() != text.strip()]


def last_question(text: str) -> str:
    """The last asking clause of a message of several clauses ("" when it has one clause or none asks).

    ``"…有家拖我代理费好几个月了 应收账款逾期以后第一步该干嘛"`` -> ``"应收账款逾期以后第一步该干嘛"``: what the
    user finally asks, apart from the story told before it.
    """
    parts = clauses(text)
    asking = [clause for clause in parts if asks(clause)]
    return asking[-1] if len(parts) >= 2 and asking else ""


# --- what kind of sentence answers it (lexicon.yaml lists) --------------------------------------
_LIST_QUESTIONS = words("list_questions")
_COMPARISON_QUESTIONS = words("comparison_questions")
_EXAMPLE_QUESTIONS = words("example_questions")
_FACTOR_QUESTIONS = words("factor_questions")
_GRADE_QUESTIONS = words("grade_questions")
_NEXT_QUESTIONS = tuple(w.lower() for w in words("next_questions"))


def _says_any(query: str, phrases: tuple[str, ...]) -> bool:
    lowered = query.lower()
    return any(w in lowered for w in phrases)


def asks_step(query: str) -> bool:
    """True when the question asks a step of a procedure ("第二步呢", "其次是什么", "第一步做完了 下一步干嘛")."""
    return understand(query).step != 0 or any(w in query.lower() for w in _NEXT)


def asks_list(query: str) -> bool:
    """True when the question asks for several things ("要准备哪些材料")."""
    return _says_any(query, _LIST_QUESTIONS)


# kinds answered by something of their own (a verdict, a figure, a warning line, a meaning), not by advice
_ANSWERED_OTHERWISE = frozenset({"cover", "duration", "percent", "threshold", "definition"})


def asks_advice(question: Question) -> bool:
    """True when the question asks what to do ("怎么办", "要不要停货", "让他付定金还是担保") and no other kind
    of answer ("能不能赔" wants a verdict, "要不要紧" a warning line, "要不要提前几天" a figure)."""
    return "advice" in question.kinds and not question.kinds & _ANSWERED_OTHERWISE


def asked_terms(text: str) -> list[str]:
    """The subject terms of the last asking clause of ``text`` (its asking words taken out), with the clause
    before it when it names nothing itself: what a recommendation must be about, apart from the story.

    ``"我们做灯具的，新来个经销商要赊账，我该让他付定金还是找担保"`` -> the terms of "付定金…找担保";
    ``"客户拖了五天没付款，我现在该怎么办"`` -> the terms of "客户拖了五天没付款".
    """
    parts = clauses(text)
    asking = [i for i, clause in enumerate(parts) if asks(clause)]
    if not asking:
        return []
    last = asking[-1]
    bare = _without_asking(parts[last])
    if not content_terms(bare) and last > 0:
        bare = _without_asking(parts[last - 1]) + bare
    return content_terms(bare)


def _without_asking(clause: str) -> str:
    """``clause`` less the words that ask for advice ("怎么应对", "有什么办法"): they name no subject."""
    for phrase in sorted(asked_kinds()["advice"], key=len, reverse=True):
        clause = clause.replace(phrase, " ")
    return clause


# The user says the sources disagree and asks which holds: "有人说A有人说B", "看到好几个数字", "前后说的不一样",
# "哪个对", "以哪个为准". Shapes, not topics: the reply leads with the disagreement when the articles have one.
_DISAGREEMENT = re.compile(
    r"有人说.{0,16}(?:有人|也有|又有|还有人)说|(?:好几|几|两|不同的?)个?(?:数字|数据|数|说法|版本|答案)|"
    r"(?:说法|说的|写的|讲的|数字|口径)[^，,。？?！!]{0,4}(?:不一|不同|不一样|对不上|矛盾|打架)|"
    r"前后(?:说的|写的)?(?:不一|不同|矛盾)|哪个(?:对|准|为准|是对的)|以哪个为准|which (?:one )?is (?:right|correct)|"
    r"(?:sources|articles) (?:say|give) different|conflicting"
)


def asks_disagreement(query: str) -> bool:
    """True when the user says the sources disagree and asks which holds ("有人说半个月有人说两个月 哪个对")."""
    return bool(_DISAGREEMENT.search(query))


_AFTER = re.compile(r"(?P<event>[^，,。？?！!；;\s]{2,16}?)(?:以后|之后|后)")


def after_event(query: str) -> str:
    """The event a question asks what happens after ("交完索赔材料以后…接下来干嘛" -> "交完索赔材料"), or ""."""
    lowered = query.lower()
    ask = next((lowered.find(w) for w in _NEXT_QUESTIONS if w in lowered), -1)
    if ask < 0:
        return ""
    events = [m for m in _AFTER.finditer(query, 0, ask) if m.end() <= ask]
    return events[-1].group("event") if events else ""


def asks_grade(query: str) -> bool:
    """True when the question asks for a grade or rating ("评级是啥级别")."""
    return _says_any(query, _GRADE_QUESTIONS)


def asks_factors(query: str) -> bool:
    """True when the question asks what something depends on ("快慢主要看啥因素", "取决于什么")."""
    return _says_any(query, _FACTOR_QUESTIONS)


def asks_comparison(query: str) -> bool:
    """True when the question compares two things ("A和B有什么区别", "A跟B比哪个快")."""
    return _says_any(query, _COMPARISON_QUESTIONS)


def asks_example(query: str) -> bool:
    """True when the question asks for an example ("举个例子", "有没有实际案例")."""
    return _says_any(query, _EXAMPLE_QUESTIONS)
