"""How late a debt is against the articles' "N天以上" lines (knowledge.day_lines).

Invented articles and questions of our own (no evaluation question is used here).
"""

from __future__ import annotations

from knowledge.day_lines import day_lines
from knowledge.facts import Fact, extract_facts
from knowledge.questions import understand
from knowledge.types import Chunk

SHORT = Chunk("s_1#faq0", "s_1", "保障范围", "faq", "保单管哪些拖欠？",
              "保单承保买方破产，以及货款拖欠的情形（一般指逾期60天以上仍未付款）。", 0, 0)
LONG = Chunk("l_2#faq1", "l_2", "长期拖欠", "faq", "什么叫长期拖欠？",
             "所谓长期拖欠，是指超过约定付款日150天以上仍未付清的货款。", 0, 0)
FACTS: list[Fact] = [f for c in (SHORT, LONG) for f in extract_facts(c)]


def _everything(fact: Fact) -> float:
    return 1.0


def test_the_users_days_are_set_against_each_line_the_articles_draw() -> None:
    finding = day_lines(understand("买家的货款已经拖了100天没付，这算长期拖欠吗"), FACTS, _everything)
    assert finding is not None
    assert finding.lead.startswith("要看保单：资料说法不一")  # between the two lines: it depends on which holds
    assert "100天已超过资料中“逾期60天以上仍未付款”" in finding.lead
    assert "但未到资料中" in finding.lead and "150天以上" in finding.lead


def test_a_cover_question_in_the_users_own_words_meets_the_cover_lines() -> None:
    # "拖着没给钱" shares no word with the lines; asked whether the insurance pays, the line drawn in a sentence
    # on what is covered (承保) answers; the one in a definition of a term (长期拖欠) is no cover line
    finding = day_lines(understand("进口商拖着没给钱快200天了，保险给赔吗"), FACTS, lambda f: 0.0)
    assert finding is not None and finding.lead.startswith("200天已超过资料中“逾期60天以上仍未付款”")
    assert "150天以上" not in finding.lead


def test_the_day_a_line_names_is_within_it() -> None:
    finding = day_lines(understand("逾期整60天了，算在保单管的拖欠里吗"), FACTS, _everything)
    assert finding is not None and finding.lead.startswith("60天已达到资料中“逾期60天以上仍未付款”")


def test_days_that_count_no_lateness_are_not_judged_against_the_lines() -> None:
    assert day_lines(understand("账期定了100天，这算长吗"), FACTS, _everything) is None


def test_another_listed_risk_named_by_the_user_leaves_the_cover_to_that_risk() -> None:
    cover = Chunk("c_3#s1", "c_3", "承保范围", "section", "",
                  "本险种承保两类风险：买方清盘导致的货款损失，以及买方拖欠货款的风险（指逾期60天以上仍未付款）。", 0, 0)
    facts = extract_facts(cover)
    # the buyer was wound up: cover follows from that risk, not from how many days the debt has run
    assert day_lines(understand("经销商清盘了，欠我们两个月的货款，保险能赔吗"), facts, _everything) is None
    # the debt is only late: the days are set against the line
    late = day_lines(understand("经销商拖了两个月货款，保险能赔吗"), facts, _everything)
    assert late is not None and "60天以上" in late.lead


def test_days_told_as_late_or_in_months_and_more_are_set_against_the_lines() -> None:
    # regression (tune_cover4): "晚了" counts lateness, "两个多月" is 60 days or more; a claim ask is a cover ask
    finding = day_lines(understand("客户付款晚了40天，现在能报保险吗"), FACTS, _everything)
    assert finding is not None and "40天" in finding.lead and "未到" in finding.lead
    finding = day_lines(understand("货款拖了两个多月了，保险给赔吗"), FACTS, _everything)
    assert finding is not None and "约60天" in finding.lead
