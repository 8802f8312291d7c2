"""Writing the answer: the lead first, then at most two cited supporting sentences, then conflicts.

Citations are numbered by first use (``[1]`` is the first article cited). What the bot writes itself
uses full-width Chinese punctuation; a conflict reads "资料说法不一：一篇说…[1]，另一篇说…[2]，以保单条款为准。"
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.conflicts import Conflict, figures
from knowledge.constants import SNIPPET_CHARS
from knowledge.lexicon import words
from knowledge.numerals import arabic_figures
from knowledge.sentences import Sentence
from knowledge.types import Chunk

CONFLICT_LEAD = "资料说法不一："
CONFLICT_TAIL = "以保单条款为准。"
SHORT_SENTENCE = 50  # a counterpart this short is quoted whole
MAX_BODY_CHARS = 200  # supporting sentences stop here (dev median answer length <= 180)
_HALF = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_HALF_NEAR_HAN = re.compile(r"(?<=[\u4e00-\u9fff\]）)])\s*([,;:?!])\s*|([,;:?!(])(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])\(|\)(?=[\u4e00-\u9fff，。；\[])")
# a clause ends at a comma, except one between digits ("8,300万家")
_CLAUSE = re.compile(r"(?:[^，,；;：:。]|(?<=\d),(?=\d{3}))+")
# "此外，" at the start of an answer ties it to a sentence the reader never saw (lexicon ``leading_connectives``)
_LEADING_CONNECTIVE = re.compile("^(?:" + "|".join(map(re.escape, words("leading_connectives"))) + r")\s*[，,]\s*")


@dataclass
class Citation:
    """One cited article: its number in the text is its 1-based position in the list."""

    doc_id: str
    title: str
    snippet: str
    score: float


def full_width(text: str) -> str:
    """ASCII punctuation next to Chinese text in its full-width form (``8,300`` and ``2/10`` stay)."""

    def sub(match: re.Match[str]) -> str:
        mark = match.group(1) or match.group(2) or match.group(0).strip()
        return _HALF.get(mark, mark)

    return _HALF_NEAR_HAN.sub(sub, text)


def strip_end(text: str) -> str:
    """The sentence without its final punctuation."""
    return text.rstrip("。；;，,！!　 ")


class Citations:
    """Numbers articles by first citation and keeps what was cited from each (for the snippets)."""

    def __init__(self, titles: dict[str, str]) -> None:
        self.titles = titles
        self.numbering: dict[str, int] = {}
        self.cited: dict[str, list[str]] = {}

    def mark(self, doc_id: str, text: str) -> str:
        """``[n]`` for ``doc_id``, recording ``text`` as cited from it."""
        if doc_id not in self.numbering:
            self.numbering[doc_id] = len(self.numbering) + 1
            self.cited[doc_id] = []
        if text not in self.cited[doc_id]:
            self.cited[doc_id].append(text)
        return f"[{self.numbering[doc_id]}]"

    def cite(self, sentence: Sentence, *, opening: bool = False) -> str:
        """The sentence with its citation marker; as an answer's ``opening`` without a leading "此外，"."""
        text = _LEADING_CONNECTIVE.sub("", strip_end(sentence.text), count=1) if opening else strip_end(sentence.text)
        return f"{text}{self.mark(sentence.doc_id, sentence.text)}"

    def citations(self, scores: dict[str, float]) -> list[Citation]:
        """The cited articles in citation order, each with its snippet and score."""
        return [
            Citation(doc_id, self.titles.get(doc_id, doc_id), _snippet(self.cited[doc_id]), round(scores.get(doc_id, 0.0), 4))
            for doc_id in self.numbering
        ]


# A sentence opening with a pointer back needs to say where it stands to be understood.
_ANAPHORIC = re.compile(r"^(这些|这种|这类|这一|该|其|上述|以上|此类|它们)")


def framed(sentence: Sentence, chunk: Chunk, citations: Citations) -> str:
    """A cited supporting sentence; one pointing back ("这些风险会…") says which part of the article it is from
    ("资料“预警信号”一节说：这些风险会…"), which says what it means (a heading is never a bare prefix)."""
    if chunk.kind == "section" and chunk.heading and _ANAPHORIC.match(sentence.text):
        return f"资料“{strip_end(chunk.heading)}”一节说：{citations.cite(sentence)}"
    return citations.cite(sentence)


def body(lead: str, support: list[str]) -> str:
    """The lead, then supporting sentences while the answer stays short (at least one when there is one)."""
    parts = [lead]
    for n, sentence in enumerate(support):
        if n and len("".join(parts)) + len(sentence) > MAX_BODY_CHARS:
            break
        parts.append(sentence)
    return "".join(parts)


_CONJUNCTION = re.compile(r"^(以及|并且|而且|并|和|或者|或|及|且|但)")


def figure_clause(sentence: Sentence, unit: str) -> str:
    """The clause of ``sentence`` that states its figure of ``unit`` (the whole sentence if none)."""
    clauses = _CLAUSE.findall(sentence.text)
    for n, clause in enumerate(clauses):
        if any(f.unit == unit for f in figures(clause)):
            if len(clause) < 8 and n:
                clause = clauses[n - 1] + "，" + clause
            return _CONJUNCTION.sub("", clause.strip())
    return strip_end(sentence.text)


# "通常在" / "平均在" ahead of a figure: the hedge is kept, next to the figure
_HEDGE = re.compile(r"(通常|一般|平均|大约|约)(?=在|\d)在?")  # not the 约 of 约定
# "X需在知悉…后" / "Y在收到…后": the sentence's subject up to its preposition (dropped in a short answer)
_SUBJECT_AT = re.compile(r"^[^\d，,]{0,12}?(?:需在|应在|须在|在|自|从)(?=[\u4e00-\u9fff])")
_CONDITION_END = ("后", "前", "起", "时")


def figure_lead(text: str, figure: str) -> str:
    """The clause of ``text`` stating ``figure`` as a short answer: its condition first, the subject dropped,
    a hedge kept next to the figure ("某机构在收到文件后，通常在20-40个工作日内付款" ->
    "收到文件后，一般20-40个工作日内付款"); "" when no clause states it."""
    text = arabic_figures(text)
    clauses = _CLAUSE.findall(text)
    n = next((i for i, c in enumerate(clauses) if figure in c), -1)
    if n < 0:
        return ""
    clause = clauses[n].strip()
    if "、" in clause:  # a listed item states it: "周转天数延长、逾期占比超过15%、…" -> the item alone
        clause = next((item for item in clause.split("、") if figure in item), clause)
    at = clause.find(figure)
    hedge = _HEDGE.search(clause[:at])
    word = ""
    if hedge is not None:
        word = "一般" if hedge.group(1) in ("通常", "一般") else hedge.group(1)
        clause = clause[hedge.end() :]
    else:
        clause = _SUBJECT_AT.sub("", clause)
    at = clause.find(figure)
    clause = clause[:at] + word + clause[at:]
    before = clauses[n - 1].strip() if n else ""
    if before.endswith(_CONDITION_END) and text[text.find(before) + len(before)] in "，,":
        clause = f"{_SUBJECT_AT.sub('', before)}，{clause}"  # "收到文件后，…": when the clock starts
    return _CONJUNCTION.sub("", clause)


def conflict_line(conflict: Conflict, citations: Citations) -> str:
    """"资料说法不一：一篇说…[1]，另一篇说…[2]，以保单条款为准。" (each article's own figure, cited)."""
    said = []
    one_each: dict[str, Sentence] = {}
    for sentence in conflict.sentences:
        one_each.setdefault(sentence.doc_id, sentence)  # one figure per article, at most three articles
    for n, sentence in enumerate(list(one_each.values())[:3]):
        who = "一篇说" if n == 0 else "另一篇说" if n == 1 else "还有一篇说"
        said.append(f"{who}{figure_clause(sentence, conflict.unit)}{citations.mark(sentence.doc_id, sentence.text)}")
    return CONFLICT_LEAD + "，".join(said) + "，" + CONFLICT_TAIL


def disagreement_line(term: str, excluded: Sentence, covered: Sentence, citations: Citations) -> str:
    """One article excludes a named risk, another covers it."""
    ex = next((c for c in _CLAUSE.findall(excluded.text) if term in c), strip_end(excluded.text)).strip()
    co = next((c for c in _CLAUSE.findall(covered.text) if term in c), strip_end(covered.text)).strip()
    if len(covered.text) <= SHORT_SENTENCE or co.startswith(("如", "例如", "比如")):
        co = strip_end(covered.text)  # an example clause ("如…战争…") says nothing without what it exemplifies
    return (f"{CONFLICT_LEAD}一篇把“{term}”列为除外：{ex}{citations.mark(excluded.doc_id, excluded.text)}，"
            f"另一篇说{co}{citations.mark(covered.doc_id, covered.text)}，{CONFLICT_TAIL}")


def _snippet(sentences: list[str]) -> str:
    text = "。".join(strip_end(s) for s in sentences) + "。"
    return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1] + "…"
