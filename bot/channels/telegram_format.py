"""Telegram HTML for answers: Markdown from the LLM layer converted, sources labelled in the user's script.

Telegram's HTML mode knows ``<b>``, ``<code>``, ``<blockquote>`` and a few more tags and refuses
anything else, so everything that is not converted here is escaped.
"""

from __future__ import annotations

import html
import re

from bot.messages import Reply, Source
from knowledge.normalize import detect_script, to_user_script

LABEL_CHARS = 24  # an untitled source is named by the start of its excerpt
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)[\s#]*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_FENCE = re.compile(r"^\s*```")
_CODE = re.compile(r"(`[^`\n]+`)")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_SOURCES_HEADING = {"hans": "来源", "hant": "來源", "en": "Sources"}
_UNTITLED = {"hans": "未命名资料", "hant": "未命名資料", "en": "Untitled source"}


def _inline(text: str) -> str:
    """Escaped text with `code` and **bold** as tags; stray ``**`` dropped."""
    parts = _CODE.split(html.escape(text, quote=False))
    out = []
    for part in parts:
        if part.startswith("`") and part.endswith("`") and len(part) > 2:
            out.append(f"<code>{part[1:-1]}</code>")
        else:
            bold = _BOLD.sub(lambda m: f"<b>{m.group(1) or m.group(2)}</b>", part)
            out.append(bold.replace("**", ""))
    return "".join(out)


def markdown_to_html(text: str) -> str:
    """Telegram HTML for answer text that may carry Markdown (headings, lists, quotes, code, bold).

    Works line by line, so any run of whole lines converts on its own (pages are cut between lines
    or sentences); code fences are dropped and their lines kept as plain text.
    """
    out: list[str] = []
    quote: list[str] = []
    for line in text.split("\n"):
        if _FENCE.match(line):
            continue
        if match := _QUOTE.match(line):
            quote.append(_inline(line[match.end() :]))
            continue
        if quote:
            out.append("<blockquote>" + "\n".join(quote) + "</blockquote>")
            quote = []
        if heading := _HEADING.match(line):
            out.append(f"<b>{_inline(heading.group(1))}</b>")
        else:
            out.append(_inline(_BULLET.sub(lambda m: m.group(1) + "• ", line)))
    if quote:
        out.append("<blockquote>" + "\n".join(quote) + "</blockquote>")
    return "\n".join(out)


def source_label(source: Source, script: str = "hans") -> str:
    """A readable name for a source: its title, else the start of its excerpt, never its raw id."""
    title = (source.title or "").strip()
    if title and title != source.doc_id:
        return to_user_script(title, script)  # type: ignore[arg-type]
    snippet = " ".join((source.snippet or "").split())
    if not snippet:
        return _UNTITLED.get(script, _UNTITLED["hans"])
    if len(snippet) > LABEL_CHARS:
        snippet = snippet[:LABEL_CHARS].rstrip("，。；、,.; ") + "…"
    return "“" + to_user_script(snippet, script) + "”"  # type: ignore[arg-type]


def citations_html(reply: Reply) -> str:
    """The sources block: one line per article with the numbers the answer cites it by.

    Numbers are positions in ``reply.sources`` (what ``[n]`` in the answer means), so two articles
    sharing a title keep their own numbers, and an article cited twice is listed once as ``[1][3]``.
    """
    if not reply.sources:
        return ""
    script = detect_script(reply.answer)
    numbers: dict[str, list[int]] = {}
    first: dict[str, Source] = {}
    for n, source in enumerate(reply.sources, start=1):
        numbers.setdefault(source.doc_id, []).append(n)
        first.setdefault(source.doc_id, source)
    lines = [
        "".join(f"[{n}]" for n in nums) + " " + html.escape(source_label(first[doc_id], script), quote=False)
        for doc_id, nums in numbers.items()
    ]
    return f"<b>{_SOURCES_HEADING.get(script, _SOURCES_HEADING['hans'])}</b>\n" + "\n".join(lines)
