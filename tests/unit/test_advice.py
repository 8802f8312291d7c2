"""Advice questions ("该怎么办", "要不要停货", "该让他付押金还是找担保") are answered first by what the articles say
to do about what the asking clause names, not by a sentence sharing the story's words.

The articles here are invented (a fictional lender's wording); none comes from the evaluation sets.
"""

from __future__ import annotations

import pytest

from knowledge.answering import Composer
from knowledge.questions import asked_terms, asks_advice, understand
from knowledge.sentences import recommends
from knowledge.types import Chunk, Hit

LAMPS = Chunk(
    "040_a#sec1", "040_a", "灯具行业观察", "section", "灯具行业观察",
    "灯具经销商的订单多集中在旺季，赊账在灯具批发里很普遍。",
    0, 0,
)
FIRST_ORDER = Chunk(
    "041_b#sec1", "041_b", "首单管理", "section", "首单管理",
    "对首次合作的买家，应要求预付押金或提供第三方担保。",
    0, 0,
)
LATE = Chunk(
    "042_c#faq1", "042_c", "回款指南", "faq", "货款拖了怎么办?",
    "拖欠货款会拖累现金周转。当货款拖过约定日期时，应先发书面提醒，再冻结新订单。",
    0, 0,
)


def hits(*chunks: Chunk) -> list[Hit]:
    return [Hit(c, 0.9 - 0.1 * i, 0.9, 3.0) for i, c in enumerate(chunks)]


@pytest.mark.parametrize("question", [
    "新来的批发商要赊账，我该让他交押金还是找人担保",
    "老买家回款越来越慢，我们该怎么应对",
    "客户拖了十来天，要不要先停掉他的货",
    "想让客户早点结账有什么办法",
])
def test_asking_what_to_do_is_advice(question: str) -> None:
    assert asks_advice(understand(question))


@pytest.mark.parametrize("question", [
    "逾期率到了12%要不要紧",  # a warning line is asked
    "到期前要不要提前几天提醒",  # a figure is asked
    "买家清盘了这笔损失能不能赔",  # a cover verdict is asked
    "索赔的单据可不可以在线递交",  # whether a thing can be done: a fact
])
def test_asking_a_figure_a_verdict_or_a_fact_is_not_advice(question: str) -> None:
    assert not asks_advice(understand(question))


def test_the_asking_clause_names_what_is_to_be_done() -> None:
    asked = asked_terms("我们做灯具的，新来个经销商要赊账，我该让他付押金还是找担保")
    assert "押金" in asked and "担保" in asked and "灯具" not in asked


def test_an_asking_clause_naming_nothing_takes_the_clause_before_it() -> None:
    asked = asked_terms("客户的货款拖了五天，我现在该怎么办")
    assert "货款" in asked


@pytest.mark.parametrize("text", [
    "建议先冻结该买家的额度。",
    "对高风险买家只接受现款交易",
    "额度管理：根据评估结果设定合理的额度",
    "企业应定期复核买家的付款记录。",
    "如果逾期较长，可以考虑委托律师。",
])
def test_recommendations(text: str) -> None:
    assert recommends(text)


@pytest.mark.parametrize("text", [
    "该系统可释放更多流动资金。",  # a benefit, not something to do
    "常见信号包括买方频繁要求延长账期。",  # the buyer's request is a sign
    "应收账款逾期率今年上升了。",  # 应 of 应收 is no "should"
    "灯具经销商的订单多集中在旺季。",
])
def test_descriptions_are_no_recommendations(text: str) -> None:
    assert not recommends(text)


def test_the_recommendation_on_the_asked_action_leads_not_the_sentence_sharing_the_story() -> None:
    composer = Composer([LAMPS, FIRST_ORDER])
    result = composer.compose("我们做灯具的，新来个经销商想赊账，我该让他付押金还是找担保", hits(LAMPS, FIRST_ORDER))
    assert result is not None and result.text.startswith("对首次合作的买家，应要求预付押金")


def test_what_to_do_when_late_leads_and_the_description_around_it_is_left_out() -> None:
    composer = Composer([LAMPS, LATE])
    result = composer.compose("客户的货款拖了五天还没到，我现在该怎么办", hits(LATE, LAMPS))
    assert result is not None
    assert result.text.startswith("当货款拖过约定日期时，应先发书面提醒")
    assert "灯具" not in result.text
