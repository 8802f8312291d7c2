"""ingest.cleaning: teasers, form debris, author lines, repeated titles go; artefacts are repaired."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.cleaning import clean_text, is_heading, is_question, repair

ARTICLES = Path(__file__).resolve().parents[2] / "knowledge" / "articles"
TEASER_STRINGS = [
    "넶", "平均DSO为94天", "平均DSO为9", "60%的中小企业曾因客户拖欠", "1.5至2之间", "浏览量", "收藏",
    "2025年7月11日", "2025-10-14", "2025-11-17", "您的姓名", "您的电话", "获取企业信用风险管理方案",
    "作者声明", "信用证诈骗如何识别", "如何设定合理的信用条款期限", "SEO",
]


def _article(prefix: str) -> str:
    return next(ARTICLES.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_clean_bundled_article_drops_teasers_and_debris(prefix: str) -> None:
    cleaned = clean_text(_article(prefix))
    for needle in TEASER_STRINGS:
        assert needle not in cleaned.text, needle
    assert "FAQ:" in cleaned.text.split("\n")


def test_clean_keeps_last_faq_answer_before_teasers() -> None:
    text = clean_text(_article("000")).text
    assert text.rstrip().endswith("并提供专属客户经理服务。")
    text = clean_text(_article("004")).text
    assert text.rstrip().endswith("以加速理赔流程。")  # the 作者声明 glued onto this line is gone


def test_clean_drops_the_94_day_dso_teaser() -> None:
    article = (
        "如何理赔?\n正文第一段说明理赔要求。\nFAQ:\n理赔要多久?\n通常30天。\n-\n"
        "应收账款周转率过高会降低客户满意度?\n数据显示,中国企业的平均DSO为94天,高于部分发\n넶0 2025-09-28 -\n"
    )
    cleaned = clean_text(article)
    assert "94" not in cleaned.text
    assert cleaned.text.endswith("通常30天。")


def test_clean_drops_view_count_block_and_contact_form() -> None:
    article = (
        "标题\n正文内容在这里。\n2025年7月11日 10:19\n浏览量:0\n收藏\n  • 营运资金比率多少才算健康?\n\n"
        "    健康的营运资金比率通常在1.5至2之间,表明企业拥有足够\n\n    4 2025-10-14\n"
        "获取企业信用风险管理方案\n您的姓名\n\n您的电话 *\n"
    )
    cleaned = clean_text(article)
    assert cleaned.text == "标题\n正文内容在这里。"


def test_clean_removes_repeated_title_and_breadcrumb() -> None:
    cleaned = clean_text(_article("001"))
    title = cleaned.title
    assert title.startswith("坏账保护如何帮助企业")
    assert cleaned.text.count(title) == 1
    assert "安联贸易    SEO" not in cleaned.text


def test_repair_lj_means_immediately_and_raw_is_kept() -> None:
    assert repair("一旦发现风险预警信号,LJ通知投保企业") == "一旦发现风险预警信号,立即通知投保企业"
    assert repair("LJY公司") == "LJY公司"
    cleaned = clean_text(_article("000"))
    assert "LJ" not in cleaned.text and "立即通知投保企业" in cleaned.text
    assert "LJ通知投保企业" in cleaned.raw_text


def test_clean_splits_heading_glued_to_paragraph() -> None:
    lines = clean_text(_article("000")).text.split("\n")
    assert "避免坏账损失的关键策略" in lines
    lines = clean_text(_article("004")).text.split("\n")
    assert "信用保险如何构建现金流安全网" in lines
    assert "FAQ:" in lines


def test_clean_splits_faq_question_glued_to_previous_answer() -> None:
    lines = clean_text(_article("000")).text.split("\n")
    assert "中小企业如何通过信用保险拓展新客户?" in lines
    lines = clean_text(_article("004")).text.split("\n")
    assert "贸易信用保险与传统银行有何区别?" in lines
    assert "发生买方破产后如何快速启动理赔?" in lines


def test_clean_turns_markdown_table_into_sentences() -> None:
    text = clean_text(_article("003")).text
    assert "|" not in text and "---" not in text
    assert "- 资信评估系统（服务模块）——核心功能：企业信用数据库实时查询；风险防控价值：识别潜在高风险交易对象。" in text


def test_heading_and_question_detection() -> None:
    assert is_heading("贸易信用保险的核心保护机制")
    assert not is_heading("有效预防坏账需要系统化的管理方法,贸易信用保险在其中扮演着关键角色:")
    assert not is_heading("- 风险前置识别")
    assert is_question("理赔流程通常需要多长时间?")
    assert is_question("什么是坏账保护？与传统催收有何区别？")
    assert not is_question("理赔流程通常需要多长时间。")
