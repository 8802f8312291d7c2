"""ingest.chunking: FAQ pairs, sections with headings, offsets into the cleaned text."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.chunking import chunk_article
from ingest.cleaning import clean_text

ARTICLES = Path(__file__).resolve().parents[2] / "knowledge" / "articles"


def _chunks(prefix: str):  # noqa: ANN202
    path = next(ARTICLES.glob(f"{prefix}_*.txt"))
    article = clean_text(path.read_text(encoding="utf-8"))
    return article, chunk_article(path.stem, article)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_chunk_offsets_point_at_chunk_text(prefix: str) -> None:
    article, chunks = _chunks(prefix)
    assert chunks
    for chunk in chunks:
        assert article.text[chunk.start : chunk.end] == chunk.text
        assert chunk.text.strip() == chunk.text and chunk.text
        assert chunk.doc_id.startswith(prefix) and chunk.chunk_id.startswith(chunk.doc_id + "#")
        assert chunk.title == article.title
    assert len({c.chunk_id for c in chunks}) == len(chunks)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_article_has_five_faq_pairs(prefix: str) -> None:
    _, chunks = _chunks(prefix)
    faqs = [c for c in chunks if c.kind == "faq"]
    assert len(faqs) == 5
    for faq in faqs:
        assert faq.heading.endswith(("?", "？"))
        assert not faq.text.endswith(("?", "？"))


def test_faq_glued_on_one_line_is_split() -> None:
    _, chunks = _chunks("000")
    faqs = {c.heading: c.text for c in chunks if c.kind == "faq"}
    assert faqs["贸易信用保险主要保障哪些风险?"].endswith("但不包括货物质量纠纷等商业争议引发的拒付。")
    assert faqs["中小企业如何通过信用保险拓展新客户?"].startswith("中小企业可利用的资信评估服务")
    _, chunks = _chunks("004")
    faqs = {c.heading: c.text for c in chunks if c.kind == "faq"}
    assert faqs["贸易信用保险与传统银行有何区别?"].startswith("两者在风险覆盖和功能定位上")
    assert faqs["国际贸易中哪些风险信用保险不覆盖?"].startswith("需注意除外责任通常包括")
    assert "作者声明" not in faqs["发生买方破产后如何快速启动理赔?"]


def test_sections_carry_their_heading() -> None:
    _, chunks = _chunks("000")
    by_heading: dict[str, list] = {}
    for chunk in chunks:
        by_heading.setdefault(chunk.heading, []).append(chunk)
    strategy = by_heading["避免坏账损失的关键策略"]
    assert strategy[0].text.startswith("有效预防坏账需要系统化的管理方法")
    assert "- 风险前置识别" in strategy[0].text  # bullets join their paragraph
    assert strategy[1].text.startswith("安联贸易的风险研究团队")
    assert by_heading["贸易信用保险的核心保护机制"][0].text.endswith("实现动态风险管理。")
    _, chunks = _chunks("004")
    headings = {c.heading for c in chunks if c.kind == "section"}
    assert {"信用保险如何构建现金流安全网", "定制化解决方案的价值体现"} <= headings


def test_repaired_chunk_keeps_raw_text() -> None:
    _, chunks = _chunks("002")
    chunk = next(c for c in chunks if "立即启动催收流程" in c.text)
    assert "LJ启动催收流程" in chunk.raw
    untouched = next(c for c in chunks if c.kind == "section")
    assert untouched.raw == untouched.text


def test_chunk_ids_are_stable_between_runs() -> None:
    assert [c.chunk_id for c in _chunks("003")[1]] == [c.chunk_id for c in _chunks("003")[1]]


def test_faq_answer_over_several_lines_stays_one_chunk() -> None:
    article = clean_text("标题\n正文一段。\nFAQ:\n额度多久复核?\n每季度复核一次。\n- 大客户每月复核\n逾期怎么办?\n立即催收。\n")
    faqs = [c for c in chunk_article("doc", article) if c.kind == "faq"]
    assert [(c.heading, c.text) for c in faqs] == [
        ("额度多久复核?", "每季度复核一次。\n- 大客户每月复核"),
        ("逾期怎么办?", "立即催收。"),
    ]
    assert [c.chunk_id for c in faqs] == ["doc#faq0", "doc#faq1"]
