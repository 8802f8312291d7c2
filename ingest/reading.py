"""Read article files (.txt, .md, .html) into plain text, and find them in folders."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

from ingest import formats
from knowledge.errors import IngestError

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", *formats.SUFFIXES)
_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
    "article", "header", "footer", "title", "blockquote", "pre", "dt", "dd", "hr",
}
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "form", "nav"}


class _TextExtractor(HTMLParser):
    """Collect visible text, one line per block element; table cells joined with ``|``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._header_row = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in {"td", "th"}:
            self._header_row = self._header_row or tag == "th"
            self.parts.append(" | ")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self._skip:
            self._skip -= 1
        elif tag == "tr":
            # A header row gets a markdown separator so the cleaner turns the table into sentences.
            self.parts.append(" |\n| --- |\n" if self._header_row else " |\n")
            self._header_row = False
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(re.sub(r"[ \t\r\n\u00a0]+", " ", data))


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one block per line (the ``<title>`` is dropped if an ``<h1>`` exists)."""
    if re.search(r"<h1[\s>]", markup, re.I):
        markup = re.sub(r"<title[^>]*>.*?</title>", "", markup, flags=re.I | re.S)
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    lines = [html.unescape(line).strip() for line in "".join(parser.parts).split("\n")]
    return "\n".join(line for line in lines if line)


def decode(data: bytes, name: str) -> str:
    """Decode UTF-8 (optionally with BOM) or BOM-marked UTF-16; anything else is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise IngestError(f"{name}: not valid UTF-16 ({e.reason})") from e
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise IngestError(f"{name}: not UTF-8 text (byte {e.start}: {e.reason}); re-save it as UTF-8") from e


def read_article(path: Path) -> tuple[str, bytes]:
    """The article's plain text and its raw bytes (for the content hash).

    Raises:
        IngestError: The file cannot be read or decoded, or contains binary data.
    """
    try:
        data = path.read_bytes()
    except OSError as e:
        raise IngestError(f"{path.name}: cannot be read ({e.strerror or e})") from e
    if path.suffix.lower() in formats.SUFFIXES:
        return formats.binary_text(data, path.name, path.suffix.lower()), data
    text = decode(data, path.name)
    if "\x00" in text:
        raise IngestError(f"{path.name}: contains binary data")
    if path.suffix.lower() in {".html", ".htm"}:
        text = html_to_text(text)
    return text, data


def find_articles(paths: list[Path]) -> tuple[list[Path], list[Path], list[tuple[str, str]]]:
    """Expand folders into article files.

    Returns:
        (files, folders scanned, missing paths as ``(path, reason)``).
    """
    files: list[Path] = []
    folders: list[Path] = []
    missing: list[tuple[str, str]] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            folders.append(path.resolve())
            files.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES))
        elif path.is_file():
            files.append(path)
        else:
            missing.append((str(path), "no such file or folder"))
    seen: set[Path] = set()
    unique = []
    for f in files:
        resolved = f.resolve()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(resolved)
    return unique, folders, missing
