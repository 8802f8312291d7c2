"""PDF and Word articles: their text is read, cleaned and chunked; unreadable ones are refused with a reason."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.admin.knowledge_ops import ArticleError, preview_file
from ingest.formats import docx_text, pdf_text
from knowledge.errors import IngestError


def make_docx() -> bytes:
    from docx import Document

    document = Document()
    document.add_heading("出口信用保险投保须知", level=0)
    document.add_heading("投保条件", level=1)
    document.add_paragraph("投保企业应具有进出口经营权，并与买方签订真实有效的贸易合同。")
    table = document.add_table(rows=2, cols=2)
    for cell, value in zip(table.rows[0].cells + table.rows[1].cells, ["项目", "期限", "报损", "30天内"], strict=True):
        cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a Helvetica text layer, written by hand (objects and xref table)."""
    stream = "BT /F1 12 Tf 72 720 Td 16 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = "%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n" + "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


def test_a_docx_keeps_its_title_headings_paragraphs_and_tables() -> None:
    text = docx_text(make_docx(), "a.docx")
    assert text.splitlines()[0] == "# 出口信用保险投保须知"
    assert "## 投保条件" in text and "进出口经营权" in text
    assert "| 报损 | 30天内 |" in text


def test_an_uploaded_docx_is_cleaned_and_chunked(tmp_path: Path) -> None:
    path = tmp_path / "notice.docx"
    path.write_bytes(make_docx())
    preview = preview_file(path)
    assert preview["title"] == "出口信用保险投保须知" and preview["doc_id"] == "notice"
    assert any("进出口经营权" in chunk["text"] for chunk in preview["chunks"])


def test_a_pdf_text_layer_is_read_page_by_page() -> None:
    text = pdf_text(make_pdf(["Credit insurance notice", "Claims are filed within 30 days."]), "a.pdf")
    assert "Credit insurance notice" in text and "30 days" in text


@pytest.mark.parametrize(("data", "reason"), [
    (b"%PDF-1.4 garbage", "not a readable PDF"),
    (make_pdf([]), "no text layer"),
])
def test_an_unreadable_or_image_only_pdf_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(IngestError, match=reason):
        pdf_text(data, "scan.pdf")


def test_a_damaged_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(b"PK\x03\x04 damaged")
    with pytest.raises(ArticleError, match="not a readable .docx"):
        preview_file(path)
