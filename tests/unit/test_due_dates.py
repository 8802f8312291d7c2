"""The user's own credit term (knowledge/due_dates.py) and schedules read as ordered steps (knowledge/procedures.py).

Hand-written articles and questions of our own (no evaluation question is used here).
"""

from __future__ import annotations

from datetime import date

from knowledge.due_dates import due_date
from knowledge.facts import Fact, extract_facts
from knowledge.grounding import ungrounded
from knowledge.procedures import nth_step
from knowledge.questions import understand
from knowledge.reasoning import reason
from knowledge.types import Chunk

TODAY = date(2026, 6, 1)
DUNNING = Chunk("d_4#faq0", "d_4", "回款管理", "faq", "货款逾期了怎么催？",
                "建议按天推进：到期后5日内电话核实原因；20天后寄出律师函；45天提起诉讼。", 0, 0)
PROCESS = Chunk("e_5#s1", "e_5", "投保流程", "section", "投保的步骤",
                "投保分三步：首先填写投保单；其次提交买方名单；最后缴纳保费。", 0, 0)
FACTS: list[Fact] = [f for c in (DUNNING, PROCESS) for f in extract_facts(c)]


def relevance_by_words(question: str):  # noqa: ANN201 - a Relevance
    def relevance(fact: Fact) -> float:
        shared = {ch for ch in question if "\u4e00" <= ch <= "\u9fff"} & set(fact.sentence)
        return len(shared) / 10
    return relevance


def test_the_due_date_counts_the_users_term_from_their_date() -> None:
    q = "我们2月10日给超市供的货，账期30天，哪天开始算逾期"
    finding = due_date(understand(q, TODAY), FACTS, relevance_by_words(q))
    assert finding is not None
    assert "3月12日到期" in finding.lead and "3月13日起算逾期" in finding.lead


def test_the_articles_step_after_the_due_date_is_dated_and_cited() -> None:
    q = "货款到期没收到钱就要催，4月1日发的货，付款期20天，最晚哪天打电话核实"
    finding = due_date(understand(q, TODAY), FACTS, relevance_by_words(q))
    assert finding is not None and finding.facts
    assert "4月21日到期" in finding.lead and "4月26日前" in finding.lead  # due 4-21, within 5 days of it
    sources = [f.sentence for f in finding.facts]
    assert not ungrounded(finding.lead.format(""), sources, [q, *finding.derived])


def test_a_term_of_the_articles_is_no_term_of_the_users() -> None:
    """Days the user names without a credit-term word ("逾期20天") are no term of their invoice."""
    q = "客户5月3日开始逾期，已经20天了，要寄律师函吗"
    assert due_date(understand(q, TODAY), FACTS, relevance_by_words(q)) is None


def test_the_due_date_comes_before_a_deadline_on_the_users_date() -> None:
    """With a credit term given, the user's date is the start of the term, not the due date itself."""
    q = "7月1日发货，账期60天，哪天到期"
    finding = reason(understand(q, TODAY), FACTS, relevance_by_words(q))
    assert finding is not None and "8月30日到期" in finding.lead


def test_a_schedule_of_days_is_a_procedure_whose_steps_name_their_event() -> None:
    q = "货款逾期以后催款的第二步是什么"
    finding = nth_step(understand(q, TODAY), FACTS, relevance_by_words(q))
    assert finding is not None
    assert finding.lead.startswith("第二步是到期20天后寄出律师函")


def test_the_last_step_of_a_schedule_is_its_latest_day() -> None:
    q = "货款逾期以后催款的最后一步是什么"
    finding = nth_step(understand(q, TODAY), FACTS, relevance_by_words(q))
    assert finding is not None and "45天提起诉讼" in finding.lead


# --- English questions (english5 regression cases, own wording) ---------------------------------------------

def test_english_net_term_counts_from_an_english_date() -> None:
    q = "shipped the pallets on 2 March 2026 with net 45, when is payment due"
    finding = due_date(understand(q, TODAY), FACTS, lambda f: 0.0)
    assert finding is not None and finding.lead.startswith("April 16: 45 days after March 2, overdue from April 17")


def test_english_discount_asked_dates_the_discount_window() -> None:
    q = "terms are 1/15 net 60 and the invoice is dated 12 May 2026, last day to take the discount?"
    finding = due_date(understand(q, TODAY), FACTS, lambda f: 0.0)
    assert finding is not None and finding.lead.startswith("May 27: the 1% discount")
    assert "July 11" in finding.lead  # the full amount, 60 days on
