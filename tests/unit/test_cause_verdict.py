"""A told cause judged by meaning (knowledge/causes.py): nearer a covered item "能赔", nearer an excluded one
"一般不赔", in between "要看原因"; only the told event is judged, not the asking words or what the search adds.

The articles and questions here are invented; the encoder is a stand-in that places a text by the idea it
names (a shut-down buyer, a complaint about the goods, a currency's fall), every text sharing "unpaid money".
"""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.answering import Composer
from knowledge.causes import CauseJudge, asks_payout, told_cause
from knowledge.sentences import Sentence
from knowledge.types import Chunk, Hit

# the stand-in encoder's ideas: words in the test's own texts that name each one
_IDEAS = (("停业", "关张", "清盘"), ("次品", "投诉", "验货", "售后"), ("币值", "兑换", "外币"))

RULES = Chunk(
    "020_r#sec1", "020_r", "保单要点", "section", "保单要点",
    "本保单承保进口商清盘引起的货款损失、长期赖账等风险。以下情形不赔：验货争议引起的扣款、外币兑换损失。",
    0, 0,
)


def fake_queries(texts: list[str]) -> np.ndarray:
    rows = []
    for text in texts:
        row = [3.0 * any(w in text for w in words) for words in _IDEAS] + [4.0]  # last: "money unpaid" in all
        rows.append(np.asarray(row) / np.linalg.norm(row))
    return np.asarray(rows, dtype=np.float32)


def judge() -> CauseJudge:
    pool = [Sentence(t, "020_r", "020_r#sec1", i) for i, t in enumerate(RULES.text.split("。")) if t]
    return CauseJudge(pool, fake_queries)


def test_told_cause_drops_the_asking_clause_and_what_follows_it() -> None:
    assert told_cause("对方工厂停业了，货款一直没结，这种情况保险能赔吗 赖账") == "对方工厂停业了，货款一直没结"
    assert told_cause("Our buyer shut down last month. Is that covered?") == "Our buyer shut down last month"


def test_an_english_cover_question_tells_its_event_after_the_verb() -> None:
    # regression (main, own wording): the words before "cover" named only the policy, so no event was judged
    assert told_cause("does our credit policy cover riots at the port?") == "riots at the port"
    assert told_cause("will the insurer pay if the importer closes down") == "if the importer closes down"
    assert told_cause("is it insured?") == ""


def test_told_cause_is_empty_when_only_asking() -> None:
    assert told_cause("保险能赔吗") == ""


def test_told_cause_leaves_out_the_policy_and_the_part_asked_about() -> None:
    # regression (tune_cover4): "这部分" and "我们那张policy" name no event, so nothing is judged on them
    assert told_cause("进口商一直拖着尾款，这部分保险管吗") == "进口商一直拖着尾款"
    assert told_cause("importer went bust，我们那张policy能claim吗") == "importer went bust"


def test_told_cause_leaves_out_an_event_set_aside() -> None:
    # regression (tune_cover4): "除了X以外" says X is not what is asked
    assert told_cause("除了倒闭以外，对方银行冻结付款，保险管不管") == "对方银行冻结付款"


@pytest.mark.parametrize("question", ["对方拖了两个月，现在能报保险吗", "这种情况算不算理赔范围内", "能claim吗", "保险会pay吗",
                                      "这笔坏账保险兜底不", "这种能陪吗"])
def test_casual_payout_asks(question: str) -> None:
    # regression (tune_cover4): filing a claim, "兜底", mixed English and the 陪 typo all ask whether it is paid
    assert asks_payout(question)


def test_a_cause_naming_an_event_by_another_name_is_judged_as_the_articles_name_it() -> None:
    # regression (tune_cover4): the lexicon's event names put "清算" as the articles' 破产 before judging
    from knowledge.causes import _cause_in_article_names

    assert "破产" in _cause_in_article_names("法院宣布那家客户清算了，保险赔吗")
    assert "破产" not in _cause_in_article_names("对方没倒闭，只是一直不结账，保险赔吗")  # a denied event stays as told


def test_an_event_the_user_says_did_not_happen_is_not_judged() -> None:
    # regression (main, own wording): "没…清盘" named the covered shut-down, so a plain late payer was judged on it
    found = judge()
    assert found._without_denials("进口商并没有清盘，只是一直赖着尾款") == "，只是一直赖着尾款"
    assert found._without_denials("尾款赖着不结，也不是验货争议的问题") == "尾款赖着不结，"
    assert found._without_denials("货款一直没结") == "货款一直没结"  # "没结" denies no listed event: it is the event
    verdict = found.verdict("对方没清盘，就是一直赖账不结，保单管不管")
    assert verdict is not None and verdict.text.startswith("能赔：长期赖账等风险属于承保范围")


def test_items_are_the_listed_risks_not_list_heads() -> None:
    found = judge()
    assert [i for i, _ in found.covered] == ["进口商清盘引起的货款损失", "长期赖账等风险"]
    assert [i for i, _ in found.excluded] == ["验货争议引起的扣款", "外币兑换损失"]


def test_a_cause_meaning_a_covered_risk_is_covered() -> None:
    verdict = judge().verdict("客户那边关张了，尾款收不回来，保单管不管")
    assert verdict is not None and verdict.text.startswith("能赔：进口商清盘引起的货款损失属于承保范围")


def test_a_cause_meaning_an_excluded_risk_is_not_covered() -> None:
    verdict = judge().verdict("买家说我们是次品，扣着钱不给，保险赔不赔")
    assert verdict is not None and verdict.text.startswith("一般不赔：验货争议引起的扣款属于除外责任")
    assert "外币" in judge().verdict("币值跌了结算亏了，能赔吗").text


def test_a_cause_between_both_depends_and_cites_both() -> None:
    verdict = judge().verdict("买家停业了又投诉我们的售后，这种保不保")
    assert verdict is not None and verdict.text.startswith("要看原因：")
    assert verdict.text.count("{}") == 2 and len(verdict.sentences) == 2


def test_composer_leads_with_the_verdict_and_cites_the_exclusion() -> None:
    composer = Composer([RULES], embed_queries=fake_queries)
    result = composer.compose("买家说我们是次品，扣着钱不给，保险赔不赔", [Hit(RULES, 0.9, 0.9, 3.0)])
    assert result is not None
    assert result.text.startswith("一般不赔：验货争议引起的扣款属于除外责任[1]。")


def test_how_much_is_paid_gets_no_verdict() -> None:
    composer = Composer([RULES], embed_queries=fake_queries)
    result = composer.compose("客户关张了，能赔多少", [Hit(RULES, 0.9, 0.9, 3.0)])
    assert result is None or not result.text.startswith(("能赔：", "一般不赔：", "要看原因："))


ONE_SENTENCE = Chunk(
    "021_s", "021_s", "条款摘要", "section", "条款摘要",
    "本险种承保进口商清盘风险、长期赖账风险，但不包括验货争议引起的扣款。",
    0, 0,
)


def test_both_sides_from_one_sentence_cite_it_once() -> None:
    pool = [Sentence(ONE_SENTENCE.text, "021_s", "021_s", 0)]
    verdict = CauseJudge(pool, fake_queries).verdict("买家停业了又投诉我们的售后，这种保不保")
    assert verdict is not None and verdict.text.startswith("要看原因：")
    assert verdict.text.count("{}") == 1 and len(verdict.sentences) == 1


WAR = (
    Chunk("030_a", "030_a", "保障", "section", "保障", "本险种承保进口商清盘风险、外币兑换管制及战乱风险。", 0, 0),
    Chunk("031_b", "031_b", "除外", "section", "除外", "本保单不包括验货争议引起的扣款、战乱风险。", 0, 0),
)


def test_a_cause_near_a_risk_the_articles_disagree_on_is_disputed() -> None:
    composer = Composer(list(WAR), embed_queries=fake_queries)
    disputed = composer.causes.disputed("买方那里战乱停业，钱付不了，保不保", composer.weights)
    assert disputed is not None and disputed.term == "战乱"
    assert composer.causes.disputed("买家说次品扣钱，保不保", composer.weights) is None


# whole causes placed in between by hand: each clause alone goes through the stand-in encoder
_MIXED = {"对方关张了，尾款迟迟没到": [1.0, 1.0, 0, 4], "尾款迟迟没到": [0.3, 0.3, 0, 4], "对方关张了，又投诉了货": [1.0, 1.0, 0, 4]}


def mixed_queries(texts: list[str]) -> np.ndarray:
    rows = [np.asarray(_MIXED[t]) / np.linalg.norm(_MIXED[t]) if t in _MIXED else v for t, v in zip(texts, fake_queries(texts))]
    return np.asarray(rows, dtype=np.float32)


def mixed_judge() -> CauseJudge:
    pool = [Sentence(t, "020_r", "020_r#sec1", i) for i, t in enumerate(RULES.text.split("。")) if t]
    return CauseJudge(pool, mixed_queries)


def test_a_clearly_covered_clause_outweighs_a_vague_one() -> None:
    verdict = mixed_judge().verdict("对方关张了，尾款迟迟没到，保单管不管")
    assert verdict is not None and verdict.text.startswith("能赔：进口商清盘引起的货款损失属于承保范围")


def test_a_covered_and_an_excluded_clause_name_both() -> None:
    verdict = mixed_judge().verdict("对方关张了，又投诉了货，保单管不管")
    assert verdict is not None
    assert verdict.text.startswith("要看原因：进口商清盘引起的货款损失属于承保范围{}，验货争议引起的扣款属于除外责任{}")


def test_items_are_embedded_once_and_only_when_a_cause_is_told() -> None:
    calls: list[list[str]] = []

    def counted(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return fake_queries(texts)

    pool = [Sentence(t, "020_r", "020_r#sec1", i) for i, t in enumerate(RULES.text.split("。")) if t]
    found = CauseJudge(pool, counted)
    assert calls == []  # building the composer encodes nothing
    assert found.verdict("保险能赔吗") is None and calls == []  # no cause told: nothing encoded
    first = found.verdict("客户那边关张了，尾款收不回来，保单管不管")
    assert len(calls) == 2 and len(calls[0]) == 4  # the four items in one call, then the cause
    assert found.verdict("客户那边关张了，尾款收不回来，保单管不管") == first and len(calls) == 3
