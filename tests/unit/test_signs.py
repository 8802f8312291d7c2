"""Warning-sign questions are answered by a sentence listing the signs, not by one mentioning a sign in passing."""

from __future__ import annotations

from knowledge.answering import Composer
from knowledge.signs import asks_signs, lists_signs
from knowledge.types import Chunk, Hit

PASSING = Chunk("a_1#s1", "a_1", "催收", "section", "催收节奏",
                "一旦发现客户有拖款征兆，业务员要马上上门沟通并暂停新订单。催收要留好书面记录。", 0, 0)
LISTED = Chunk("b_2#s1", "b_2", "风控", "section", "客户风险",
               "客户出问题前常见的预警信号有：付款日一拖再拖、采购员频繁换人、开始只下小单。平时要多跟客户沟通。", 0, 0)


def test_a_question_naming_a_sign_word_asks_for_the_signs() -> None:
    assert asks_signs("经销商要出事之前一般有啥苗头")
    assert asks_signs("Any red flags before a buyer defaults?")
    assert not asks_signs("逾期多少天可以报案")


def test_only_a_sentence_naming_signs_and_listing_several_lists_them() -> None:
    assert lists_signs("客户出问题前常见的预警信号有：付款日一拖再拖、采购员频繁换人、开始只下小单。")
    assert not lists_signs("一旦发现客户有拖款征兆，业务员要马上上门沟通并暂停新订单。")
    assert not lists_signs("付款日一拖再拖、采购员频繁换人、开始只下小单。")  # a list, but of nothing named a sign


def test_the_sentence_listing_the_signs_leads_the_answer() -> None:
    composer = Composer([PASSING, LISTED])
    hits = [Hit(PASSING, 0.9, 0.8, 3.0), Hit(LISTED, 0.6, 0.6, 1.0)]
    result = composer.compose("客户拖款之前一般会出现啥征兆", hits)
    assert result is not None and result.text.startswith("客户出问题前常见的预警信号有：付款日一拖再拖")
