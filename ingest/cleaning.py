"""Turn a scraped article into clean text: one title line, then body lines.

What goes: the trailing list of truncated "related article" teasers (title, a sentence cut
mid-way, a view-count/date line such as ``넶0 2025-11-17`` or ``2025年7月11日 10:19`` /
``浏览量:0`` / ``收藏``), the contact form after it, the ``作者声明`` line, repeated titles and
the ``安联贸易    SEO    <title>`` breadcrumb. Teasers carry other articles' figures (an
"average DSO of 94 days") and must never become knowledge.

What is repaired: ``LJ`` -> ``立即`` (a scraper artefact; the raw text is kept by the chunker),
markdown tables -> sentences, bullets -> ``- `` lines, and structure glued onto one line
(a heading after a paragraph's last sentence, ``FAQ:`` after a paragraph, a FAQ question after
the previous answer) is put back on its own line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# A teaser's meta line: view count + date, a Chinese timestamp, a view counter, a bookmark link.
_TEASER_META = re.compile(r"^(?:넶\s*)?\d+\s+\d{4}-\d{2}-\d{2}\s*-?$")
# Page furniture that starts the related-articles block: a timestamp, a view counter, a bookmark link.
_PAGE_META = re.compile(r"^(?:\d{4}年\d{1,2}月\d{1,2}日\s+\d{1,2}:\d{2}|浏览量\s*[:：]\s*\d+|收藏)$")
_FORM_DEBRIS = re.compile(
    r"^(?:获取企业信用风险管理方案|了解您客户的贸易风险水平.*|您的需求\s*\*?|您的姓名\s*\*?|您的电话\s*\*?"
    r"|您的邮箱\s*\*?|详细需求\s*\*?|公司名称\s*\*?|提交|立即提交)$"
)
_AUTHOR = re.compile(r"\s*作者声明\s*[:：].*$")
_BREADCRUMB = re.compile(r"^安联贸易\s{2,}SEO\s{2,}")
_BULLET = re.compile(r"^\s*(?:[-*•·●▪]|\d+[.)、])\s+")
_TERMINAL = "。！!？?；;：:，,、…"
_SENTENCE_END = "。！!"
_FAQ_MARK = re.compile(r"\s*(?:FAQ|常见问题)\s*[:：]\s*")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$|^\|?(?:\s*-{3}\s*\|?)+$")
_LJ = re.compile(r"(?<![A-Za-z])LJ(?![A-Za-z])")

MAX_HEADING_CHARS = 30
MAX_QUESTION_CHARS = 60


@dataclass(frozen=True)
class CleanArticle:
    """A cleaned article.

    Attributes:
        title: The first line.
        text: Cleaned text: the title, then one line per paragraph, heading, bullet, ``FAQ:``,
            question or answer (blank lines dropped).
        raw_text: The same text before artefact repair (same line structure, may differ in length).
    """

    title: str
    text: str
    raw_text: str


def repair(text: str) -> str:
    """Repair scraping artefacts whose meaning is certain (``LJ`` stands for ``立即``)."""
    return _LJ.sub("立即", text)


def _is_teaser_meta(line: str) -> bool:
    return bool(_TEASER_META.match(line.strip()))


def _teaser_start(lines: list[str], meta: int) -> int:
    """Index of the first line of the teaser whose meta line is ``lines[meta]``.

    A teaser is a title line and a snippet cut mid-sentence, optionally preceded by ``-``.
    """
    start = meta
    j = meta - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    if j >= 0 and lines[j].strip()[-1] not in "。！!":  # the cut-off snippet
        start = j
        j -= 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        if j >= 0 and is_question(lines[j]) or j >= 0 and is_heading(lines[j]):
            start = j
    while start > 0 and lines[start - 1].strip() in {"-", ""}:
        start -= 1
    return start


def _cut_trailing_matter(lines: list[str]) -> list[str]:
    """Drop everything from the first related-article teaser or author statement onwards."""
    cut = len(lines)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if _AUTHOR.search(line):
            head = _AUTHOR.sub("", line)
            cut = i
            if head.strip():
                lines = [*lines[:i], head, *lines[i + 1 :]]
                cut = i + 1
            break
        if _PAGE_META.match(stripped) or _FORM_DEBRIS.match(stripped):
            cut = i
            break
        if _is_teaser_meta(stripped):
            cut = _teaser_start(lines, i)
            break
        if stripped == "-" and any(_is_teaser_meta(x) for x in lines[i + 1 : i + 6]):
            cut = i
            break
    return lines[:cut]


def _drop_debris(lines: list[str], title: str) -> list[str]:
    """Remove teaser blocks left anywhere, form debris, breadcrumbs and repeated titles."""
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if _is_teaser_meta(stripped):
            del out[_teaser_start(out, len(out)) :]  # the teaser's title and snippet
            continue
        if _PAGE_META.match(stripped) or _FORM_DEBRIS.match(stripped) or _BREADCRUMB.match(stripped):
            continue
        if stripped.rstrip("?？") == title.rstrip("?？"):
            continue
        out.append(line)
    return out


def _table_to_sentences(rows: list[list[str]]) -> list[str]:
    """``| 模块 | 功能 |`` rows -> ``- 资信评估系统（模块）——功能：……；……。`` bullet sentences."""
    header, body = rows[0], rows[1:]
    sentences = []
    for row in body:
        if not row or not row[0]:
            continue
        parts = [f"{header[c]}：{row[c]}" for c in range(1, min(len(header), len(row))) if row[c]]
        sentences.append(f"- {row[0]}（{header[0]}）——" + "；".join(parts) + "。")
    return sentences


def _convert_tables(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        if "|" in lines[i] and i + 1 < len(lines) and _TABLE_SEPARATOR.match(lines[i + 1].strip()):
            rows = [[c.strip() for c in lines[i].strip().strip("|").split("|")]]
            i += 2
            while i < len(lines) and "|" in lines[i]:
                rows.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
                i += 1
            out.extend(_table_to_sentences(rows))
            continue
        out.append(lines[i])
        i += 1
    return out


def is_heading(line: str) -> bool:
    """A short line without terminal punctuation (and not a bullet) is a section heading."""
    line = line.strip()
    return (
        0 < len(line) <= MAX_HEADING_CHARS
        and line[-1] not in _TERMINAL
        and not _BULLET.match(line)
        and not line.startswith("-")
    )


def is_question(line: str) -> bool:
    """A short line ending in a question mark is a FAQ question."""
    line = line.strip()
    return 0 < len(line) <= MAX_QUESTION_CHARS and line[-1] in "?？"


def _split_glued_tail(line: str, faq: bool) -> list[str]:
    """Split ``…管理。避免坏账损失的关键策略`` into the paragraph and its trailing heading/question."""
    stripped = line.rstrip()
    cut = max(stripped.rfind(ch) for ch in _SENTENCE_END)
    if cut <= 0 or cut == len(stripped) - 1:
        return [line]
    tail = stripped[cut + 1 :].strip()
    if not tail:
        return [line]
    if faq and is_question(tail):
        return [stripped[: cut + 1], tail]
    if not faq and is_heading(tail) and not any(ch in tail for ch in "，,；;：:、（(\"“"):
        return [stripped[: cut + 1], tail]
    return [line]


def _split_structure(lines: list[str]) -> list[str]:
    out: list[str] = []
    in_faq = False
    for line in lines:
        stripped = line.strip()
        match = _FAQ_MARK.search(stripped)
        if match and not in_faq and (match.end() == len(stripped) or match.start() == 0):
            before = stripped[: match.start()]
            if before:
                out.extend(_split_glued_tail(before, faq=False))
            out.append("FAQ:")
            rest = stripped[match.end() :]
            if rest:
                out.append(rest)
            in_faq = True
            continue
        out.extend(_split_glued_tail(stripped, faq=in_faq))
    return out


def _normalise_line(line: str) -> str:
    line = line.replace("\u00a0", " ").replace("\u3000", " ").replace("\u200b", "").rstrip()
    bullet = _BULLET.match(line)
    if bullet and not re.match(r"^\s*\d", line):
        line = "- " + line[bullet.end() :].strip()
    elif line.lstrip().startswith("#"):
        line = line.lstrip().lstrip("#").strip()
    return line.replace("**", "").strip() if not line.startswith("- ") else line.replace("**", "")


def clean_text(text: str) -> CleanArticle:
    """Clean one article's text (already decoded, any markup removed).

    Args:
        text: The article as scraped: title on the first non-empty line.

    Returns:
        The cleaned article. ``text`` is empty when nothing but debris was found.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    lines = [_normalise_line(line) for line in text.split("\n")]
    lines = [line for line in lines]
    while lines and not lines[0]:
        lines.pop(0)
    if not lines:
        return CleanArticle("", "", "")
    title = lines[0]
    body = _cut_trailing_matter(lines[1:])
    body = _drop_debris(body, title)
    body = _convert_tables([line for line in body if line.strip() and line.strip() != "-"])
    body = _split_structure(body)
    raw_lines = [title, *[line for line in body if line.strip()]]
    raw_text = "\n".join(raw_lines)
    return CleanArticle(title=repair(title), text=repair(raw_text), raw_text=raw_text)
