"""Cut a cleaned article into chunks: section paragraphs and FAQ question/answer pairs.

The cleaned text has one structural element per line (see :mod:`ingest.cleaning`): headings
(short lines without terminal punctuation), paragraphs, ``- `` bullets, the ``FAQ:`` marker,
then alternating question and answer lines. Every chunk keeps its char offsets into that text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.cleaning import CleanArticle, is_heading, is_question
from knowledge.types import Chunk

MAX_SECTION_CHARS = 420  # longer paragraphs are cut at sentence ends (e5 reads 512 tokens)
_CONCLUSION = re.compile(r"(?<=[。！!])\s+(?=\S)")
_SENTENCE = re.compile(r"[^。！!？?]*[。！!？?]+|[^。！!？?]+$")


@dataclass
class _Line:
    text: str
    start: int
    end: int


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append(_Line(raw, pos, pos + len(raw)))
        pos += len(raw) + 1
    return out


def _split_conclusion(line: _Line) -> list[_Line]:
    """Split a paragraph from the article's conclusion glued after it with ``。 ``."""
    pieces: list[_Line] = []
    cursor = line.start
    for match in _CONCLUSION.finditer(line.text):
        pieces.append(_Line(line.text[cursor - line.start : match.start()], cursor, line.start + match.start()))
        cursor = line.start + match.end()
    pieces.append(_Line(line.text[cursor - line.start :], cursor, line.end))
    return pieces


def _cut_long(piece: _Line) -> list[_Line]:
    """Cut a paragraph longer than MAX_SECTION_CHARS at sentence ends."""
    if len(piece.text) <= MAX_SECTION_CHARS:
        return [piece]
    out: list[_Line] = []
    begin = piece.start
    current = ""
    for sentence in _SENTENCE.findall(piece.text):
        if current and len(current) + len(sentence) > MAX_SECTION_CHARS:
            out.append(_Line(current, begin, begin + len(current)))
            begin += len(current)
            current = ""
        current += sentence
    if current:
        out.append(_Line(current, begin, begin + len(current)))
    return out


def _raw_slice(article: CleanArticle, start: int, end: int) -> str:
    # Repairs change lengths only inside a line, so map offsets line by line.
    if article.raw_text == article.text:
        return article.text[start:end]
    clean_lines = article.text.split("\n")
    raw_lines = article.raw_text.split("\n")
    pos = 0
    parts = []
    for clean, raw in zip(clean_lines, raw_lines, strict=False):
        line_start, line_end = pos, pos + len(clean)
        if line_end >= start and line_start <= end:
            if clean == raw:
                parts.append(clean[max(start, line_start) - line_start : min(end, line_end) - line_start])
            else:
                parts.append(raw)
        pos = line_end + 1
    return "\n".join(parts)


def chunk_article(doc_id: str, article: CleanArticle) -> list[Chunk]:
    """The chunks of one cleaned article, in reading order.

    Sections: one chunk per paragraph (a paragraph followed by its ``- `` bullets forms one
    chunk); ``heading`` is the closest heading above ("" before the first one and for the
    concluding paragraph). FAQ: one chunk per question, ``heading`` = question, ``text`` = answer.
    """
    text = article.text
    lines = _lines(text)[1:]  # the first line is the title
    chunks: list[Chunk] = []
    heading = ""
    in_faq = False
    question: _Line | None = None
    group: list[_Line] = []

    def make(kind: str, head: str, start: int, end: int, index: int) -> Chunk:
        prefix = "faq" if kind == "faq" else "s"
        return Chunk(
            chunk_id=f"{doc_id}#{prefix}{index}", doc_id=doc_id, title=article.title, kind=kind,
            heading=head, text=text[start:end], start=start, end=end, raw=_raw_slice(article, start, end),
        )

    def flush_group() -> None:
        nonlocal group
        if group:
            index = sum(1 for c in chunks if c.kind == "section")
            chunks.append(make("section", heading, group[0].start, group[-1].end, index))
        group = []

    answer: list[_Line] = []

    def flush_faq() -> None:
        nonlocal answer
        if question is not None and answer:
            index = sum(1 for c in chunks if c.kind == "faq")
            chunks.append(make("faq", question.text.strip(), answer[0].start, answer[-1].end, index))
        answer = []

    for line in lines:
        content = line.text.strip()
        if not content:
            continue
        if content == "FAQ:":
            flush_group()
            in_faq = True
            continue
        if in_faq:
            if is_question(content):
                flush_faq()
                question = line
            elif question is not None:
                answer.append(line)  # an answer may run over several lines
            continue
        if content.startswith("- "):
            group.append(line)
            continue
        if is_heading(content):
            flush_group()
            heading = content
            continue
        flush_group()
        for i, part in enumerate(_split_conclusion(line)):
            if i > 0:
                flush_group()
                heading = ""  # the article's conclusion, glued after "。 ", has no heading
            for piece in _cut_long(part):
                flush_group()
                group = [piece]
        # the last piece stays open so that the bullets after it join it
    flush_group()
    flush_faq()
    return chunks
