"""Leads for questions that reason with the user's situation: an example asked for, a change judged against
a line named by another name of its metric, a new level against a line on the level.

Invented articles and questions of our own (no evaluation question is used here).
"""

from __future__ import annotations

from knowledge.answering import Composer
from knowledge.questions import asks_example
from knowledge.types import Chunk
from tests.unit.articles import ranked as hits

GUIDE = Chunk(
    "020_g#s1", "020_g", "催收外包", "section", "催收外包的好处",
    "把催收外包给专业机构可以让财务团队专注于核心工作。外包机构通常按回收金额收取佣金。"
    "某家具出口商把催收外包后，一年内收回了八成的陈年欠款。外包前要核实机构的合规资质。",
    0, 0,
)
SIGNS = Chunk(
    "021_w#faq1", "021_w", "预警指标", "faq", "哪些指标要警惕？",
    "若坏账率持续高于4%，或DSO较上年同期增加15%以上，需及时收紧赊销。",
    0, 0,
)



def test_asks_example_knows_the_asking_words() -> None:
    assert asks_example("能举个例子吗") and asks_example("有没有实际案例")
    assert not asks_example("催收外包要多少佣金")


def test_an_example_asked_for_is_answered_by_the_case_study() -> None:
    composer = Composer([GUIDE])
    result = composer.compose("催收外包真的有用吗，举个例子", hits(GUIDE))
    assert result is not None and result.text.startswith("某家具出口商")


def test_without_asking_for_an_example_the_case_study_does_not_lead() -> None:
    composer = Composer([GUIDE])
    result = composer.compose("催收外包有什么好处", hits(GUIDE))
    assert result is not None and not result.text.startswith("某家具出口商")


def test_a_change_of_a_metric_named_by_another_name_is_judged_against_its_line() -> None:
    composer = Composer([SIGNS])
    result = composer.compose("应收账款周转天数上年同期32天、这期40天，涨了多少", hits(SIGNS))
    assert result is not None and result.text.startswith("应收账款周转天数32天→40天，增加25%，超过")


def test_a_new_level_is_judged_against_a_line_on_the_level_not_its_relative_change() -> None:
    composer = Composer([SIGNS])
    result = composer.compose("坏账率从2%升到3%，过线了吗", hits(SIGNS))
    assert result is not None and "3%低于" in result.text and "未触及" in result.text


CONTRAST = Chunk(
    "022_c#faq2", "022_c", "两种做法", "faq", "投保和催收外包怎么选？",
    "投保适合客户多而分散的企业。与委托催收相比，投保侧重事前转移损失，而催收只在逾期之后追讨。",
    0, 0,
)


def test_a_comparison_side_in_colloquial_words_is_matched_in_the_articles_words() -> None:
    composer = Composer([CONTRAST])  # "催账" is the lexicon's colloquial word for the articles' "催收"
    result = composer.compose("投保和找人催账有什么不一样", hits(CONTRAST))
    assert result is not None and result.text.startswith("与委托催收相比")
