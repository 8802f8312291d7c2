"""Binary article formats: the text of PDF (pypdf) and Word .docx (python-docx) files.

A scanned PDF without a text layer, an encrypted one, or a damaged file is refused with the reason:
there is nothing the bot could quote from it.
"""

from __future__ import annotations

import io
import logging

from knowledge.errors import IngestError

logger = logging.getLogger(__name__)

SUFFIXES = (".pdf", ".docx")


def pdf_text(data: bytes, name: str) -> str:
    """The text layer of a PDF, page by page."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise IngestError(f"{name}: the PDF is encrypted; save it without a password")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as e:
        raise IngestError(f"{name}: not a readable PDF ({e})") from e
    text = "\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise IngestError(f"{name}: the PDF has no text layer (a scan?); upload a text version")
    return text


def docx_text(data: bytes, name: str) -> str:
    """The paragraphs and tables of a .docx, headings as Markdown headings, tables as Markdown rows."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, ValueError, KeyError, OSError) as e:
        raise IngestError(f"{name}: not a readable .docx file ({e})") from e
    except Exception as e:  # noqa: BLE001 - a damaged zip raises zipfile/lxml errors of many kinds
        raise IngestError(f"{name}: not a readable .docx file ({type(e).__name__})") from e
    lines: list[str] = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if style.startswith("Title"):
            lines.append(f"# {text}")
        elif style.startswith("Heading"):
            level = "".join(ch for ch in style if ch.isdigit()) or "1"
            lines.append(f"{'#' * min(6, int(level) + 1)} {text}")
        else:
            lines.append(text)
    for table in document.tables:
        rows = [[cell.text.strip() for cell in row.cells] for row in table.rows]
        if rows:
            lines.append("| " + " | ".join(rows[0]) + " |")
            lines.append("| " + " | ".join("---" for _ in rows[0]) + " |")
            lines.extend("| " + " | ".join(r) + " |" for r in rows[1:])
    return "\n".join(lines)


def binary_text(data: bytes, name: str, suffix: str) -> str:
    """The text of a binary article (``suffix`` one of :data:`SUFFIXES`)."""
    return pdf_text(data, name) if suffix == ".pdf" else docx_text(data, name)
