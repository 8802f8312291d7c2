"""Facts extracted from article text at ingest: the quantitative and structural statements.

Kinds (each with its source sentence):

- ``threshold``: a metric against a value ("逾期率持续高于15%" -> 逾期率 > 15 %; "流动比率低于1.2").
- ``duration``: a time limit counted from an event ("知悉破产事件后30天内提交" -> +30 天 from 知悉破产事件;
  "到期前7天发送友好提醒" -> -7 天 from 到期).
- ``percent`` / ``amount``: any other figure with its unit (a share, a count, a sum).
- ``change``: a metric moving from one level to another ("逾期率从9%降到4%" -> 逾期率 9 -> 4 %).
- ``step``: one of an ordered sequence (首先/其次/之后, 第一步…, or the items of a list), with its position.
- ``definition``: what the article says a term means ("逾期率(超过合同账期30天未回款占比)", "X是指Y", "X即为Y",
  "所谓X，是Y", "X是一种Y"; under a heading "什么是X？" the passage's opening "X是Y").

Extraction is by the shape of Chinese text, never by the articles' wording, so it works on articles
never seen. Chinese numerals are read as digits first (九十天 = 90天).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.numerals import arabic_figures, chinese_to_int
from knowledge.sentences import split_sentences
from knowledge.terms import STOPWORDS, segment
from knowledge.types import Chunk

_NUM = r"\d+(?:\.\d+)?"
_UNIT = r"个工作日|工作日|天|日(?!期|常|本)|个月|年|%|倍|万家|亿家|家|个国家"
# "高于15%" / "低于1.2" / "超过合同账期30天" / "增加20%以上"
_ABOVE = r"超过|高于|大于|多于|超出|超|达到|增加|增长|上升|延长"
_BELOW = r"低于|少于|小于|不足|不到|降至|下降|减少"
_THRESHOLD = re.compile(
    rf"(?P<subject>[\u4e00-\u9fffA-Za-z]{{1,14}}?)(?P<trend>持续|连续|同比|环比)?(?P<cmp>{_ABOVE}|{_BELOW})"
    rf"(?P<mid>[\u4e00-\u9fff]{{0,10}}?)(?P<value>{_NUM})(?P<unit>{_UNIT})?(?P<tail>以上|以下|以内)?"
)
# "知悉破产事件后30天内提交" / "到期前7天发送" / "逾期15天即启动" / "15天后发出"
_DURATION = re.compile(
    rf"(?:(?P<anchor>[\u4e00-\u9fffA-Za-z]{{1,12}}?)(?P<dir>后|前|起|之后|之前)?)?(?P<value>{_NUM})(?:\s*[-–~至到]\s*(?P<value2>{_NUM}))?"
    r"(?P<unit>个工作日|工作日|天|日(?!期|常|本)|个月)(?P<rel>内|以内|之内|后|前|以上|即)?(?P<action>[\u4e00-\u9fffA-Za-z]{0,14})"
)
# "逾期率从9%降到4%": a metric moving from one level to another (a case the articles report)
_MOVE = re.compile(
    rf"(?P<subject>[\u4e00-\u9fffA-Za-z]{{2,12}}?)从(?P<old>{_NUM})(?P<unit1>{_UNIT})?\s*"
    rf"(?:下降|降低|减少|上升|提高|提升|增加|增长|降|升|增|减)?(?:至|到)(?P<new>{_NUM})(?P<unit>{_UNIT})"
)
_FIGURE = re.compile(rf"(?P<value>{_NUM})(?:\s*[-–~至到]\s*(?P<value2>{_NUM}))?\s*(?P<unit>{_UNIT})")
_ORDINALS = ("首先", "第一", "其次", "第二", "然后", "再次", "第三", "之后", "最后", "第四")
_STEP_WORD = re.compile(r"(首先|其次|然后|再次|之后|最后|第[一二三四五六七八九十](?:步|(?=[，,、：:])))[，,：:]?")
_DEFINITION = re.compile(
    r"(?P<term>[\u4e00-\u9fffA-Za-z]{2,12})[(（](?P<body>[^()（）]{4,40})[)）]"
    r"|(?P<term2>[\u4e00-\u9fffA-Za-z]{2,12})(?:是指|指的是|即是|即为|定义为|是一种|是一项|是一类)(?P<body2>[^。；;]{4,60})"
    r"|所谓(?P<term3>[\u4e00-\u9fffA-Za-z]{2,12}?)[，,]?(?:就是|是指|是|指)(?P<body3>[^。；;]{4,60})"
)
# "什么是X？" / "X是什么？" heading a passage: the passage's opening "X是…" defines X
_ASKS_MEANING = re.compile(r"什么是(?P<term>[\u4e00-\u9fffA-Za-z]{2,12})[?？]|(?P<term2>[\u4e00-\u9fffA-Za-z]{2,12})是什么(?:意思)?[?？]")
_LEADING_NOISE = re.compile(r"^(?:若|如果|当|需要|需|应当|应该|并且|并|且|或者|或|以及|及|则|即|通常指|通常|一般)+")
# an anchor event starts after its preposition ("平均在资料齐全后" -> 资料齐全)
_ANCHOR_START = re.compile(r".*(?:在|自|从|于|指)")
_CLAUSE_SPLIT = re.compile(r"[，,；;：:、]")


@dataclass(frozen=True)
class Fact:
    """One statement of an article in structured form.

    Attributes:
        kind: ``threshold``, ``duration``, ``percent``, ``amount``, ``step`` or ``definition``.
        subject: what it is about: the metric, the anchor event, the defined term, the sequence's heading.
        value: the number (the lower bound of a range; a change's starting level), or None.
        value2: the upper bound of a range (a change's end level), or None.
        unit: ``%``, ``天``, ``工作日``, ``个月``, ``倍``, ... ("" for a bare ratio).
        comparator: ``>`` or ``<`` for thresholds; for durations ``+`` (after the anchor) or ``-`` (before).
        detail: a threshold's or duration's action, a step's text, a definition's body.
        position: a step's 1-based position in its sequence (0 otherwise).
        sentence: the source sentence.
        doc_id: the source article.
        chunk_id: the source chunk.
    """

    kind: str
    subject: str
    value: float | None
    value2: float | None
    unit: str
    comparator: str
    detail: str
    position: int
    sentence: str
    doc_id: str
    chunk_id: str


def _clean_subject(text: str) -> str:
    text = _CLAUSE_SPLIT.split(text)[-1]
    return _LEADING_NOISE.sub("", text).strip()


def _thresholds(sentence: str, chunk: Chunk) -> list[Fact]:
    out = []
    for m in _THRESHOLD.finditer(sentence):
        subject = _clean_subject(m.group("subject"))
        negated = subject.endswith("不")  # "不超过80%" is an upper bound, not a warning above 80%
        subject = _clean_subject(subject.removesuffix("不").removesuffix("通常").removesuffix("一般"))
        if len(subject) < 2:
            continue
        below = bool(re.fullmatch(_BELOW, m.group("cmp"))) != negated
        detail = ("不" if negated else "") + (m.group("trend") or "") + m.group("cmp") + (m.group("mid") or "")
        out.append(Fact("threshold", subject, float(m.group("value")), None, m.group("unit") or "",
                        "<" if below else ">", detail, 0, sentence, chunk.doc_id, chunk.chunk_id))
    return out


def _durations(sentence: str, chunk: Chunk) -> list[Fact]:
    out: list[Fact] = []
    for m in _DURATION.finditer(sentence):
        anchor = _clean_subject(_ANCHOR_START.sub("", m.group("anchor") or ""))
        if not anchor and out:
            anchor = out[-1].subject  # "逾期3日内…；15天后…": later limits count from the same event
        before = m.group("dir") in ("前", "之前") or m.group("rel") == "前"
        value2 = float(m.group("value2")) if m.group("value2") else None
        out.append(Fact("duration", anchor, float(m.group("value")), value2, m.group("unit").removeprefix("个"),
                        "-" if before else "+", _clean_subject(m.group("action") or ""), 0, sentence,
                        chunk.doc_id, chunk.chunk_id))
    return out


def _moves(sentence: str, chunk: Chunk) -> list[Fact]:
    out = []
    for m in _MOVE.finditer(sentence):
        subject = _clean_subject(m.group("subject"))
        old, new = float(m.group("old")), float(m.group("new"))
        if len(subject) >= 2 and m.group("unit1") in (None, m.group("unit")):
            out.append(Fact("change", subject, old, new, m.group("unit"), "<" if new < old else ">", "", 0, sentence,
                            chunk.doc_id, chunk.chunk_id))
    return out


def _figures(sentence: str, chunk: Chunk, taken: set[str]) -> list[Fact]:
    out = []
    for m in _FIGURE.finditer(sentence):
        if m.group("value") in taken:
            continue
        unit = m.group("unit")
        kind = "percent" if unit == "%" else "amount"
        subject = _clean_subject(sentence[max(0, m.start() - 12) : m.start()])
        value2 = float(m.group("value2")) if m.group("value2") else None
        out.append(Fact(kind, subject, float(m.group("value")), value2, unit, "", "", 0, sentence,
                        chunk.doc_id, chunk.chunk_id))
    return out


def _term(text: str) -> str:
    """The noun phrase at the end of ``text``: at most its last two words, after any function word or one-character verb."""
    words = segment(_clean_subject(text))
    cut = max((n + 1 for n, w in enumerate(words) if (len(w) == 1 and w not in "有无非") or w in STOPWORDS), default=0)
    keep = max(cut, len(words) - 2)
    if keep and words[keep - 1] in ("有", "无", "非"):
        keep -= 1  # 有追索权保理 and 无追索权保理 are different terms
    return "".join(words[keep:])  # a defined term is a compound of at most two words (and its 有/无)


def _definitions(sentence: str, chunk: Chunk) -> list[Fact]:
    out = []
    for m in _DEFINITION.finditer(sentence):
        term = m.group("term3") or _term(m.group("term") or m.group("term2"))  # "所谓X" names the whole term
        body = (m.group("body") or m.group("body2") or m.group("body3")).strip()
        if len(term) < 2 or re.fullmatch(r"[A-Za-z]+", body) or re.fullmatch(r"[\d./%\s-]+", body):
            continue  # "(DSO)" names an abbreviation, "(10日内…)" defines nothing
        out.append(Fact("definition", term, None, None, "", "", body, 0, sentence, chunk.doc_id, chunk.chunk_id))
    return out


def _answered_meaning(chunk: Chunk, sentences: list[str]) -> list[Fact]:
    """A passage under "什么是X？" opening with "X是…": that opening clause is the article's definition of X."""
    asked = _ASKS_MEANING.search(chunk.heading)
    if asked is None or not sentences:
        return []
    term, first = asked.group("term") or asked.group("term2"), sentences[0]
    if not first.startswith(f"{term}是") or first.startswith(f"{term}是指"):  # "是指" is read by _definitions
        return []
    body = re.split(r"[，,。；;]", first[len(term) + 1 :])[0].strip()
    if len(body) < 4:
        return []
    return [Fact("definition", term, None, None, "", "", body, 0, first, chunk.doc_id, chunk.chunk_id)]


def _steps(chunk: Chunk) -> list[Fact]:
    """Ordered steps: ordinal words within a passage, else a list's lines (``- 事前评估:…``)."""
    text = chunk.text
    found = list(_STEP_WORD.finditer(text))
    parts: list[str] = []
    if len(found) >= 2:
        for n, m in enumerate(found):
            end = found[n + 1].start() if n + 1 < len(found) else len(text)
            parts.append(re.split(r"[。；;]", text[m.end() : end])[0])
    else:
        parts = [line.lstrip("-•·*  ").strip() for line in text.splitlines() if re.match(r"^\s*[-•·*]", line)]
    if len(parts) < 2:
        return []
    subject = chunk.heading or split_sentences(text)[0][:30]
    return [
        Fact("step", subject, None, None, "", "", part.strip(" ，,；;。"), n, part, chunk.doc_id, chunk.chunk_id)
        for n, part in enumerate(parts, start=1)
        if part.strip()
    ]


# "三层递进式管理机制:A,B,C" / "四步管理闭环:A;B;C;D": a counted sequence, its items split by ; or ,
_COUNTED = re.compile(r"(?P<n>[二三四五六七八九]|\d)(?:步|层|级|道|个?阶段|个?步骤|个?环节)(?P<name>[^:：。，,；;]{0,12})[:：](?P<body>[^。]+)")


def _counted_steps(sentence: str, chunk: Chunk) -> list[Fact]:
    """The items of a counted sequence, when they split into exactly that many (the count checks the split)."""
    out: list[Fact] = []
    for m in _COUNTED.finditer(sentence):
        count = chinese_to_int(m.group("n")) if not m.group("n").isdigit() else int(m.group("n"))
        for separator in (r"[;；]", r"[,，]"):
            items = [i.strip() for i in re.split(separator, m.group("body")) if i.strip()]
            if sum(bool(_STEP_WORD.match(i)) for i in items) > 1:
                break  # marked 首先/其次/最后: the ordinal words already make these steps
            items = [_STEP_WORD.sub("", i, count=1) if _STEP_WORD.match(i) else i for i in items]
            if len(items) == count:
                subject = sentence[max(0, m.start() - 2) : m.start("name") + len(m.group("name"))]
                out += [Fact("step", _clean_subject(subject), None, None, "", "", item, n, sentence, chunk.doc_id,
                             chunk.chunk_id) for n, item in enumerate(items, start=1)]
                break
    return out


def extract_facts(chunk: Chunk) -> list[Fact]:
    """Every fact of one chunk, in reading order (steps last)."""
    out: list[Fact] = []
    counted: list[Fact] = []
    sentences = [arabic_figures(raw) for raw in split_sentences(chunk.text)]
    out += _answered_meaning(chunk, sentences)
    for sentence in sentences:
        thresholds = _thresholds(sentence, chunk)
        durations = [d for d in _durations(sentence, chunk)
                     if not any(t.value == d.value and t.sentence == d.sentence for t in thresholds)]
        taken = {f"{f.value:g}" for f in thresholds + durations if f.value is not None}
        out += thresholds + durations + _figures(sentence, chunk, taken) + _definitions(sentence, chunk)
        out += _moves(sentence, chunk)
        counted += _counted_steps(sentence, chunk)
    return out + _steps(chunk) + counted
