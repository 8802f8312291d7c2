"""Thresholds: a named metric's change judged on its new level, a plain "no line" for a metric the articles
name without one, and a metric the question names by another of its names.

Invented article text and questions of our own wording.
"""

from __future__ import annotations

from datetime import date

from knowledge.answering import _judges_what_was_named
from knowledge.facts import Fact, extract_facts
from knowledge.questions import understand
from knowledge.reasoning import reason
from knowledge.thresholds import benchmark, compare, no_norm
from knowledge.types import Chunk

TODAY = date(2026, 6, 1)
LINES = Chunk("m_1#faq0", "m_1", "经营预警", "faq", "哪些数字要盯紧？",
              "若逾期占比连续高于10%，或周转天数同比增加30%以上，应暂停对该客户发货。", 0, 0)
TERMS = Chunk("m_3#s1", "m_3", "口径", "section", "",
              "本文所说的逾期比例（超过约定付款日20天仍未收回的金额占比）按季度统计。", 0, 0)
CASE = Chunk("m_2#s1", "m_2", "案例", "section", "",
             "一家五金批发商上线额度管理后，坏账率从4%降到2%，回款明显加快。", 0, 0)
FACTS: list[Fact] = [f for c in (LINES, CASE) for f in extract_facts(c)]


def everything(_: Fact) -> float:
    return 1.0


def test_a_share_that_moved_is_judged_on_its_new_level_not_on_its_relative_change() -> None:
    finding = compare(understand("逾期率上季度7%这季度9%，涨得快吗", TODAY), FACTS, everything)
    assert finding is not None
    assert "2个百分点" in finding.lead and "9%低于" in finding.lead and "10%" in finding.lead
    assert "未触及" in finding.lead


def test_a_share_that_moved_past_the_line_is_reported_as_crossing_it() -> None:
    finding = compare(understand("逾期率从8%升到13%了", TODAY), FACTS, everything)
    assert finding is not None and "13%高于" in finding.lead and "暂停对该客户发货" in finding.lead


def test_a_metric_named_without_a_line_gets_a_plain_no_benchmark_and_what_is_said_of_it() -> None:
    finding = reason(understand("坏账率3%算不算高", TODAY), FACTS, everything)
    assert finding is not None
    assert finding.lead.startswith("资料没有给出坏账率") and "3%" in finding.lead
    assert finding.facts and finding.facts[0].doc_id == "m_2" and not finding.judges


def test_no_benchmark_is_not_said_when_the_articles_set_a_line() -> None:
    assert no_norm(understand("逾期率11%危险吗", TODAY), FACTS, everything) is None


def test_no_benchmark_is_not_said_of_a_metric_the_articles_never_name() -> None:
    assert no_norm(understand("流动比率1.3危险吗", TODAY), FACTS, everything) is None


def test_a_line_on_a_metric_counts_as_named_when_the_question_uses_another_of_its_names() -> None:
    dso = next(f for f in FACTS if f.kind == "threshold" and f.subject == "周转天数")
    aliased = Fact(**{**dso.__dict__, "subject": "DSO"})
    finding = compare(understand("应收账款周转天数同比多了35%，要紧吗", TODAY), [aliased], everything)
    assert finding is not None and _judges_what_was_named(finding, "应收账款周转天数同比多了35%，要紧吗")
    assert not _judges_what_was_named(finding, "账期从60天拉到90天了，要紧吗")


def test_a_level_asked_of_a_metric_judged_only_by_its_change_says_there_is_no_normal_level() -> None:
    finding = benchmark(understand("周转天数一般几天比较健康", TODAY), FACTS, everything)
    assert finding is not None and not finding.judges
    assert finding.lead.startswith("资料没有给出周转天数本身的正常水平") and "30%" in finding.lead


def test_the_line_on_a_change_answers_a_question_about_the_change() -> None:
    finding = benchmark(understand("周转天数同比拉长多少要警惕", TODAY), FACTS, everything)
    assert finding is not None and finding.lead.startswith("资料给出的线是") and "30%" in finding.lead


def test_how_many_days_of_a_metric_with_a_line_on_a_share_only_is_no_benchmark() -> None:
    assert benchmark(understand("逾期率要控制在多少天", TODAY), FACTS, everything) is None


def test_a_judged_figure_says_it_is_read_by_the_articles_own_definition_of_the_metric() -> None:
    facts = FACTS + extract_facts(TERMS)
    finding = compare(understand("逾期率12%，要紧吗", TODAY), facts, everything)
    assert finding is not None and finding.lead.startswith("12%高于")
    assert "按资料的定义，指超过约定付款日20天仍未收回的金额占比{1}" in finding.lead
    assert [f.doc_id for f in finding.facts] == ["m_1", "m_3"]


def test_a_judged_figure_of_a_metric_the_articles_do_not_define_names_no_definition() -> None:
    finding = compare(understand("逾期率12%，要紧吗", TODAY), FACTS, everything)
    assert finding is not None and "定义" not in finding.lead and len(finding.facts) == 1


def test_an_english_change_told_from_old_to_new_keeps_its_order_and_is_judged_in_english() -> None:
    # "from A (last year) to B": the period word follows its figure in English; the verdict is English
    finding = compare(understand("DSO went from 40 days last year to 56 days this year, trouble?", TODAY), FACTS,
                      everything)
    assert finding is not None
    assert "40 → 56" in finding.lead and "up 40%" in finding.lead and "over the articles' line" in finding.lead


def test_an_english_old_figure_followed_by_its_period_word_is_the_old_one() -> None:
    finding = compare(understand("DSO at 50 days last year and 55 days today, fine?", TODAY), FACTS, everything)
    assert finding is not None and "50 → 55" in finding.lead and "within the articles' line" in finding.lead


def test_how_low_a_metric_may_fall_asks_its_line() -> None:
    # regression (metrics2): "多低" asks a level as "多少" does
    finding = benchmark(understand("逾期占比要升到多高才算危险", TODAY), FACTS, everything)
    assert finding is not None and "10%" in finding.lead
    lowered = benchmark(understand("周转天数同比能涨多低才算危险", TODAY), FACTS, everything)
    assert lowered is not None
