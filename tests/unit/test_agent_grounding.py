"""The figure guardrail of the agent: every number it states must be backed by a passage or a tool result."""

from __future__ import annotations

import pytest

from bot.agent.grounding import cited, figures, renumber, tool_evidence, ungrounded

PASSAGE = "[1] 《理赔指南》被保险人提交完整索赔文件后，保险人通常在30-60个工作日内完成审核，赔付比例一般为90%。"


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("理赔需要30-60个工作日[1]。", [30.0, 60.0]),
        ("赔付比例为百分之九十。", [0.9]),
        ("逾期比例12.5%。", [0.125]),
        ("应收账款500万元，赊销1,200,000元。", [5_000_000.0, 1_200_000.0]),
        ("超过九十天未付即为拖欠。", [90.0]),
        ("1. 先报损\n2. 再索赔[2]", []),
        ("第3步是起诉，第三年再评估，（1）先催告。", []),
        ("这是一个常见问题，有两种做法。", []),
    ],
)
def test_figures_read_amounts_rates_and_durations(text: str, values: list[float]) -> None:
    assert [f.value for f in figures(text)] == pytest.approx(values)


def test_figures_from_the_passage_are_grounded() -> None:
    assert ungrounded("收到完整文件后一般30到60个工作日赔付，赔付比例90%[1]。", [PASSAGE]) == []


def test_invented_figure_is_caught() -> None:
    assert ungrounded("一般15个工作日就能赔付[1]。", [PASSAGE]) == ["15"]


def test_chinese_numeral_duration_must_match_too() -> None:
    assert ungrounded("六十个工作日内完成[1]。", [PASSAGE]) == []
    assert ungrounded("九十五天内完成[1]。", [PASSAGE]) != []


def test_tool_results_back_rounded_figures_and_ratios_as_percentages() -> None:
    evidence = [
        tool_evidence("calc_dso", {"receivables": 5_000_000, "credit_sales": 9_000_000, "period_days": 90},
                      {"dso_days": 49.96, "formula": "..."}),
        tool_evidence("calc_ratio", {"kind": "overdue_ratio"}, {"value": 0.12547}),
    ]
    assert ungrounded("应收500万、赊销900万、90天，DSO约为50天，逾期率12.5%。", evidence) == []
    assert ungrounded("DSO约为52天。", evidence) == ["52"]


def test_dates_in_a_tool_result_back_the_same_date_written_in_chinese() -> None:
    evidence = [tool_evidence("buyer_receivables", {"buyer_id": "CN1007", "as_of": "2026-06-30"}, {"ar_outstanding": 1.5})]
    assert ungrounded("截至2026年6月30日，CN1007的应收账款为1.5元。", evidence) == []


def test_cited_lists_passages_in_order_of_first_citation() -> None:
    assert cited("甲[3]。乙[1][3]。丙[2]") == [3, 1, 2]
    assert cited("没有出处") == []


def test_citations_as_models_write_them_are_read_and_renumbered() -> None:
    text = "甲【3】。乙[1, 3]。丙［2］"
    assert cited(text) == [3, 1, 2]
    assert renumber(text, cited(text)) == "甲[1]。乙[2][1]。丙[3]"
    assert figures("见[12]和【7】。") == []
