"""Cover questions that want a list ("保哪几类风险", "哪些情况不管"), and told causes that are no listed event
(knowledge/causes.py, the verdict part of knowledge/leads.py).

Articles and questions are invented; the stand-in encoder places each text where the test says.
"""

from __future__ import annotations

import numpy as np

from knowledge.answering import Composer
from knowledge.causes import CauseJudge, asks_about_cover, asks_excluded, asks_payout
from knowledge.sentences import Sentence
from knowledge.types import Chunk, Hit

POLICY = Chunk(
    "050_p", "050_p", "保单说明", "section", "保单说明",
    "本险种承保进口商清盘、长期赖账和战乱三类风险。清盘损失也在承保之列。"
    "以下情形不赔：验货争议引起的扣款、外币兑换损失、核事故。投保前请留意付款条件。",
    0, 0,
)


def plain_queries(texts: list[str]) -> np.ndarray:
    """Every text the same direction: no cause is told apart, the list questions need none."""
    return np.tile(np.asarray([[0.6, 0.8]], dtype=np.float32), (len(texts), 1))


def test_a_bare_asking_word_put_to_the_insurer_asks_for_payment() -> None:
    assert asks_payout("进口商那边被政府冻了账户，保险认不认")
    assert not asks_payout("这个说法你认不认")  # no insurer named: it asks something else


def test_a_question_about_what_is_not_paid_asks_for_the_exclusions() -> None:
    assert asks_excluded("买了这个险以后哪些情况保险公司不管")
    assert asks_excluded("What does the policy not cover?")
    assert not asks_excluded("清盘了保险管不管")  # an A-not-A pair asks whether, it names nothing unpaid
    assert not asks_excluded("这个险种保哪几类风险")


def test_a_list_question_about_cover_is_told_from_other_lists() -> None:
    assert asks_about_cover("这个险种的保障范围包括什么")
    assert asks_about_cover("哪些情况不赔")
    assert not asks_about_cover("承保前要做哪些评估")  # before the policy, not its cover
    assert not asks_about_cover("申请理赔得交什么材料")


def _answer(question: str) -> str:
    composer = Composer([POLICY], embed_queries=plain_queries)
    result = composer.compose(question, [Hit(POLICY, 0.9, 0.9, 3.0)])
    assert result is not None
    return result.text


def test_which_risks_are_covered_is_answered_by_the_fullest_list_not_a_verdict() -> None:
    text = _answer("这个险种到底保哪几类风险")
    assert text.startswith("本险种承保进口商清盘、长期赖账和战乱三类风险")
    assert not text.startswith(("能赔", "一般不赔", "要看原因"))


def test_which_cases_are_not_paid_is_answered_by_the_exclusions() -> None:
    text = _answer("买了以后哪些情况保险公司是不管的")
    assert text.startswith("以下情形不赔：验货争议引起的扣款、外币兑换损失、核事故")


# hand-placed texts: dims = 清盘, 赖账 (a generic item near the items' mean), 验货, 外币, unpaid money
RULES = "本保单承保买家停业清算的欠款、长期赖账等风险。以下情形不赔：验货争议引起的扣款、外币兑换损失、双方扯皮导致的拒付。"
_PLACED = {
    "买家停业清算的欠款": [3, 0, 0, 0, 4], "长期赖账等风险": [1, 1, 1, 1, 8],
    "验货争议引起的扣款": [0, 0, 3, 0, 4], "外币兑换损失": [0, 0, 0, 3, 4], "双方扯皮导致的拒付": [0, 0, 2, 2, 4],
    # as near the closing buyer as the goods and the currency: it leans towards the closing buyer only from the
    # items' mean, and as a whole it is nearest the generic item
    "码头那边工人闹事": [2, 0, 2, 2, 4],
    # a complaint about the goods and a vague quarrel: as a whole nearest the quarrel, its first clause (nearer its
    # exclusion than the second is to any) the goods
    "客户嫌货发霉，双方闹翻了": [0, 0, 3, 2, 4], "客户嫌货发霉": [0, 0, 3, 0.5, 4], "双方闹翻了": [0, 0, 1, 1, 4],
}


def placed_queries(texts: list[str]) -> np.ndarray:
    rows = [np.asarray(_PLACED.get(t, [0, 0, 0, 0, 1]), dtype=float) for t in texts]
    return np.asarray([r / np.linalg.norm(r) for r in rows], dtype=np.float32)


def placed_judge() -> CauseJudge:
    pool = [Sentence(t, "060_r", "060_r#1", i) for i, t in enumerate(RULES.split("。")) if t]
    return CauseJudge(pool, placed_queries)


def test_a_cause_near_no_item_as_the_same_event_names_the_main_risks() -> None:
    verdict = placed_judge().verdict("码头那边工人闹事，保险能赔吗")
    assert verdict is not None
    assert verdict.text == "要看原因：买家停业清算的欠款属于承保范围{}，验货争议引起的扣款属于除外责任{}"


def test_no_names_the_exclusion_of_the_clause_nearest_one() -> None:
    verdict = placed_judge().verdict("客户嫌货发霉，双方闹翻了，保险能赔吗")
    assert verdict is not None and verdict.text.startswith("一般不赔：验货争议引起的扣款属于除外责任")
