"""ingest.reading: encodings, HTML to text, finding article files."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.reading import decode, find_articles, html_to_text, read_article
from knowledge.errors import IngestError


def test_decode_accepts_utf8_with_bom_and_utf16() -> None:
    assert decode("\ufeff信用保险".encode(), "a.txt") == "信用保险"
    assert decode("信用保险".encode("utf-16"), "a.txt") == "信用保险"


def test_decode_refuses_other_encodings_naming_the_file() -> None:
    with pytest.raises(IngestError, match="gbk.txt: not UTF-8"):
        decode("应收账款的管理".encode("gbk"), "gbk.txt")


def test_html_to_text_keeps_blocks_drops_scripts_and_converts_tables() -> None:
    text = html_to_text(
        "<html><head><title>站点</title><style>p{}</style></head><body><h1>账期指南</h1>"
        "<p>新客户账期&nbsp;30天。</p><ul><li>优质客户</li></ul>"
        "<table><tr><th>模块</th><th>功能</th></tr><tr><td>监控</td><td>预警</td></tr></table></body></html>"
    )
    lines = text.split("\n")
    assert lines[0] == "账期指南"
    assert "新客户账期 30天。" in lines and "- 优质客户" in lines
    assert "站点" not in text and "p{}" not in text
    assert "| --- |" in lines and any("监控" in line and "|" in line for line in lines)


def test_html_table_becomes_sentences_after_cleaning() -> None:
    from ingest.cleaning import clean_text

    text = html_to_text(
        "<h1>服务</h1><p>说明如下：</p>"
        "<table><tr><th>模块</th><th>功能</th></tr><tr><td>监控</td><td>预警</td></tr></table>"
    )
    assert "- 监控（模块）——功能：预警。" in clean_text(text).text.split("\n")


def test_read_article_rejects_binary(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"abc\x00def")
    with pytest.raises(IngestError, match="binary"):
        read_article(path)


def test_find_articles_expands_folders_and_reports_missing(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("标题\n正文。", encoding="utf-8")
    (tmp_path / "b.md").write_text("# 标题\n正文。", encoding="utf-8")
    (tmp_path / "c.xlsx").write_bytes(b"PK\x03\x04")
    files, folders, missing = find_articles([tmp_path, tmp_path / "a.txt", tmp_path / "nope.txt"])
    assert [f.name for f in files] == ["a.txt", "b.md"]
    assert folders == [tmp_path.resolve()]
    assert missing == [(str(tmp_path / "nope.txt"), "no such file or folder")]
