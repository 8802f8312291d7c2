"""The eval grader: normalisation, Chinese numerals, conditions, summaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluation import (
    contains,
    expected_status,
    first_sentence,
    format_report,
    grade,
    load_cases,
    normalize_text,
    summarize,
)
from bot.messages import Reply, Source
from knowledge.numerals import chinese_to_int
from tests.support import shared_file


@pytest.mark.parametrize(("text", "value"), [("九十", 90), ("一百八十", 180), ("十五", 15), ("三万", 30000), ("两千", 2000)])
def test_chinese_numerals(text: str, value: int) -> None:
    assert chinese_to_int(text) == value


def test_chinese_numerals_match_arabic() -> None:
    assert contains("通常指逾期九十天以上", "90天")
    assert contains("逾期90天以上", "九十天")
    assert not contains("逾期180天以上", "90天以")


def test_nfkc_and_amounts() -> None:
    assert contains("覆盖约９０％的损失", "90%")
    assert contains("应收还有120万", "1200000")
    assert normalize_text("8,300 万家") == "83000000家"


def case(**fields: object) -> dict:
    base = {"id": "t1", "category": "claims", "question": "理赔要多久？", "expect_sources": [], "expect_all": [],
            "expect_any": [], "must_not": []}
    base.update(fields)
    return base


def test_grade_passes_and_fails_on_each_condition() -> None:
    reply = Reply("通常在30-60个工作日内完成[1]。", sources=[Source("000_abc", "t", "s", 0.5)])
    assert grade(case(expect_all=["30"], expect_sources=["000"]), reply).passed
    assert not grade(case(expect_all=["15"]), reply).passed
    assert not grade(case(expect_any=["平台", "在线"]), reply).passed
    assert not grade(case(must_not=["30-60"]), reply).passed
    result = grade(case(expect_sources=["004", "000"]), reply)
    assert result.passed and result.source_rank == 1
    assert not grade(case(expect_sources=["004"]), reply).passed


def test_status_expectations() -> None:
    assert expected_status(case(category="out_of_scope")) == "no_answer"
    assert expected_status(case(category="dso_tool", question="DSO多少？上个月赊出去80万货")) == "clarify"
    assert expected_status(case(category="dso_tool", question="应收120万，60天赊销300万，DSO？")) is None
    assert not grade(case(category="out_of_scope"), Reply("x", status="answered")).passed


def test_summary_reports_rates_and_retrieval() -> None:
    good = grade(case(expect_sources=["000"]), Reply("a", sources=[Source("000_x", "t", "s", 1.0)]), 10.0)
    second = grade(case(id="t2", expect_sources=["004"]),
                   Reply("a", sources=[Source("000_x", "t", "s", 1.0), Source("004_y", "t", "s", 0.5)]), 30.0)
    bad = grade(case(id="t3", category="terms", expect_all=["无"]), Reply("a"), 20.0)
    summary = summarize([good, second, bad])
    assert summary["overall"] == {"passed": 2, "total": 3, "rate": 0.6667}
    assert summary["categories"]["terms"]["rate"] == 0.0
    assert summary["retrieval"] == {"cases": 2, "hit@1": 0.5, "hit@3": 1.0, "mrr": 0.75}
    assert summary["latency_ms"]["p50"] == 20.0


def test_expect_first_grades_only_the_first_sentence() -> None:
    assert first_sentence("比率为1.15。低于1.2的预警线[1]。") == "比率为1.15"
    assert first_sentence("Ratio 1.15. Below 1.2 [1].") == "Ratio 1.15"
    assert first_sentence("第一行\n第二行") == "第一行"
    reply = Reply("资料提到几个指标[1]。流动比率低于1.2需要排查[1]。", status="answered")
    late = grade(case(expect_any=["1.2"], expect_first=["1.2"]), reply)
    assert late.passed and late.first_ok is False  # reported apart, not a failure of the case
    early = grade(case(id="t2", expect_first=["指标"]), reply)
    assert early.first_ok is True
    plain = grade(case(id="t3"), reply)
    assert plain.first_ok is None
    summary = summarize([late, early, plain])
    assert summary["first_sentence"] == {"graded": 2, "carries_answer": 1}
    report = format_report(summary, "x")
    assert "first sentence carries the answer (expect_first): 1/2" in report
    assert "answer not in the first sentence: " + late.id in report


def test_load_cases_names_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text('{"id": "a", "category": "claims", "question": "理赔？"}\n{oops\n', encoding="utf-8")
    with pytest.raises(ValueError, match=":2:"):
        load_cases(path)


def test_uncovered_expects_no_answer_and_expect_status_wins() -> None:
    assert expected_status(case(category="uncovered")) == "no_answer"
    assert expected_status(case(category="coverage", expect_status="answered")) == "answered"
    assert not grade(case(category="uncovered"), Reply("资料里没有写", status="answered")).passed


def test_summary_has_retrieval_per_category_and_answer_lengths() -> None:
    a = grade(case(expect_sources=["000"]), Reply("一二三", status="answered", sources=[Source("000_x", "t", "s", 1.0)]))
    b = grade(case(id="t2", category="terms", expect_sources=["004"]),
              Reply("一二三四五", status="answered", sources=[Source("000_x", "t", "s", 1.0)]))
    c = grade(case(id="t3", category="terms"), Reply("很长很长很长很长的道歉", status="no_answer"))
    summary = summarize([a, b, c])
    assert summary["categories"]["claims"]["retrieval"] == {"cases": 1, "hit@1": 1.0, "hit@3": 1.0, "mrr": 1.0}
    assert summary["categories"]["terms"]["retrieval"]["hit@3"] == 0.0
    assert summary["answer_chars"] == {"answered": 2, "median": 4, "max": 5}  # no_answer replies not counted
    assert "answer length (2 answered): median 4  max 5" in format_report(summary, "x")


def test_the_shared_sets_load_from_next_to_the_repository() -> None:
    for name in ("public.jsonl", "dev.jsonl"):
        cases = load_cases(shared_file("eval", name))
        assert cases and all(c["category"] for c in cases)
