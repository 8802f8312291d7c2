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


class _Chunker:
    """Walks the lines of one cleaned article, collecting section groups and FAQ answers into chunks."""

    def __init__(self, doc_id: str, article: CleanArticle) -> None:
        self.doc_id, self.article = doc_id, article
        self.chunks: list[Chunk] = []
        self.heading = ""
        self.in_faq = False
        self.question: _Line | None = None
        self.group: list[_Line] = []
        self.answer: list[_Line] = []

    def make(self, kind: str, head: str, start: int, end: int) -> Chunk:
        index = sum(1 for c in self.chunks if c.kind == kind)
        prefix = "faq" if kind == "faq" else "s"
        article = self.article
        return Chunk(
            chunk_id=f"{self.doc_id}#{prefix}{index}", doc_id=self.doc_id, title=article.title, kind=kind,
            heading=head, text=article.text[start:end], start=start, end=end, raw=_raw_slice(article, start, end),
        )

    def flush_group(self) -> None:
        if self.group:
            self.chunks.append(self.make("section", self.heading, self.group[0].start, self.group[-1].end))
        self.group = []

    def flush_faq(self) -> None:
        if self.question is not None and self.answer:
            self.chunks.append(self.make("faq", self.question.text.strip(), self.answer[0].start, self.answer[-1].end))
        self.answer = []

    def faq_line(self, line: _Line, content: str) -> None:
        if is_question(content):
            self.flush_faq()
            self.question = line
        elif self.question is not None:
            self.answer.append(line)  # an answer may run over several lines

    def section_line(self, line: _Line, content: str) -> None:
        if content.startswith("- "):
            self.group.append(line)
            return
        self.flush_group()
        if is_heading(content):
            self.heading = content
            return
        for i, part in enumerate(_split_conclusion(line)):
            if i > 0:
                self.flush_group()
                self.heading = ""  # the article's conclusion, glued after "。 ", has no heading
            for piece in _cut_long(part):
                self.flush_group()
                self.group = [piece]
        # the last piece stays open so that the bullets after it join it

    def feed(self, line: _Line) -> None:
        content = line.text.strip()
        if not content:
            return
        if content == "FAQ:":
            self.flush_group()
            self.in_faq = True
        elif self.in_faq:
            self.faq_line(line, content)
        else:
            self.section_line(line, content)


def chunk_article(doc_id: str, article: CleanArticle) -> list[Chunk]:
    """The chunks of one cleaned article, in reading order.

    Sections: one chunk per paragraph (a paragraph followed by its ``- `` bullets forms one
    chunk); ``heading`` is the closest heading above ("" before the first one and for the
    concluding paragraph). FAQ: one chunk per question, ``heading`` = question, ``text`` = answer.
    """
    chunker = _Chunker(doc_id, article)
    for line in _lines(article.text)[1:]:  # the first line is the title
        chunker.feed(line)
    chunker.flush_group()
    chunker.flush_faq()
    return chunker.chunks
