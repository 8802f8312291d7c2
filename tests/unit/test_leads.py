"""The first sentence carries the asked kind of fact: the step of the procedure meant, the schedule's clause the
question is about, no restatement of a figure that only glosses a term, the share for "赔几成", the sentence that
lists the signs (found by meaning when no candidate lists any).

The articles here are invented (a fictional insurer's wording); none comes from the evaluation sets.
"""

from __future__ import annotations

import numpy as np

from knowledge.answering import Composer
from knowledge.types import Chunk
from tests.unit.articles import ranked as hits

DUNNING = Chunk(
    "030_a#faq1", "030_a", "回款指南", "faq", "货款拖欠以后按什么顺序催?",
    "建议按节奏处理：拖欠2日内电话联系；10天后冻结赊销额度并停发新货；25天后委托律师发函。",
    0, 0,
)
YEARLY = Chunk(
    "031_b#sec1", "031_b", "年度客户复盘", "section", "年度客户复盘",
    "复盘分三步：首先汇总全年订单；其次核对拖欠客户名单；最后更新客户分级。",
    0, 0,
)
GLOSSED = Chunk(
    "032_c#sec1", "032_c", "监控指标", "section", "监控指标",
    "重点看两项：坏账占比（超过账期45天仍未收回的金额占比）和回款天数。若坏账占比超过8%，应暂停赊销。",
    0, 0,
)
SHARE = Chunk(
    "033_d#faq1", "033_d", "赔付说明", "faq", "赔款怎么算?",
    "本保单承保买家清盘造成的货款损失。保险公司按损失金额的85%赔付，其余由投保人自担。",
    0, 0,
)
SIGNS = Chunk(
    "034_e#sec1", "034_e", "风险识别", "section", "风险识别",
    "常见的预警信号包括：订单骤减、频繁更换财务负责人、要求拉长账期。",
    0, 0,
)
OTHER = Chunk(
    "035_f#sec1", "035_f", "合作伙伴", "section", "合作伙伴",
    "挑选合作买家时要看成立年限和行业口碑。",
    0, 0,
)



def test_the_first_thing_to_do_is_the_first_step_of_the_procedure_for_the_situation() -> None:
    # the review procedure names 拖欠 in passing; the dunning schedule is the one for it
    composer = Composer([YEARLY, DUNNING])
    result = composer.compose("客户拖欠货款了，头一件事做什么", hits(YEARLY, DUNNING))
    assert result is not None and result.text.startswith("第一步是拖欠2日内电话联系[")


def test_the_schedule_clause_sharing_the_questions_characters_is_restated() -> None:
    # "停发新货" and "不再发货" share no word; the event 拖欠 counts every step and tells none apart
    composer = Composer([DUNNING, OTHER])
    result = composer.compose("拖欠多少天以后就该不再发货了", hits(DUNNING, OTHER))
    assert result is not None and result.text.startswith("拖欠10天后冻结赊销额度并停发新货[")


def test_a_figure_glossing_a_term_in_brackets_is_not_restated_as_the_answer() -> None:
    composer = Composer([GLOSSED, OTHER])
    result = composer.compose("坏账占比是多少天算的", hits(GLOSSED, OTHER))
    assert result is not None and not result.text.startswith("坏账占比（")


def test_asking_what_share_is_paid_is_answered_by_the_share_not_a_yes() -> None:
    composer = Composer([SHARE, OTHER])
    result = composer.compose("买家清盘了，损失金额保险能赔几成", hits(SHARE, OTHER))
    assert result is not None and not result.text.startswith("能赔：")
    assert "85%" in result.text.split("。")[0]


def _unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_the_sentence_listing_the_signs_is_found_by_meaning_when_no_candidate_lists_them() -> None:
    vectors = {SIGNS.text: _unit(1.0, 0.1), OTHER.text: _unit(0.1, 1.0)}
    composer = Composer([SIGNS, OTHER], embed_passages=lambda texts: np.stack([vectors[t] for t in texts]))
    # "苗头" shares no word with the listing sentence, and it is no retrieved hit
    result = composer.compose("合作买家要出事之前会有啥苗头", hits(OTHER), query_vector=_unit(1.0, 0.3))
    assert result is not None and result.text.startswith("常见的预警信号包括：订单骤减")


PAYOUT = Chunk(
    "035_f#sec1", "035_f", "索赔须知", "section", "索赔须知",
    "买家清盘后，投保人须在获悉清盘后20天内交齐全部索赔单据。审核通过后，保险公司一般在25个工作日内支付赔款。",
    0, 0,
)
PAYOUT_ELSEWHERE = Chunk(
    "036_g#sec1", "036_g", "服务承诺", "section", "服务承诺",
    "我们承诺在收齐索赔单据后10个工作日内支付赔款。",
    0, 0,
)


def test_a_how_long_question_is_led_by_the_time_limit_of_what_happens_at_its_end() -> None:
    # "单据交齐以后" is where the clock starts, "拿到赔款" what the time is asked for: not the 20 days to file
    result = Composer([PAYOUT]).compose("单据交齐以后多久能拿到赔款", hits(PAYOUT))
    assert result is not None
    assert "25个工作日" in result.text.split("。")[0]


def test_a_user_saying_the_sources_disagree_gets_the_disagreement_first() -> None:
    composer = Composer([PAYOUT, PAYOUT_ELSEWHERE])
    result = composer.compose("收齐单据后多久支付赔款 有人说10个工作日有人说25个 哪个对", hits(PAYOUT, PAYOUT_ELSEWHERE))
    assert result is not None and result.conflicts
    assert result.text.startswith("资料说法不一")


SPEED = Chunk(
    "037_h#sec1", "037_h", "放款说明", "section", "放款说明",
    "放款快的保理商更受卖方欢迎，放款慢的会流失客户。放款时间取决于单据是否齐全和买方的资信。",
    0, 0,
)
VERSUS = Chunk(
    "038_i#faq1", "038_i", "保理常见问题", "faq", "保理和银行贷款一样吗?",
    "保理和找银行借钱都能帮卖方拿到资金。与银行贷款的根本区别在于：前者看买方的资信，后者看借款人自己的资产。",
    0, 0,
)


def test_a_question_asking_what_decides_something_is_led_by_the_sentence_naming_it() -> None:
    result = Composer([SPEED]).compose("放款快慢主要看啥因素", hits(SPEED))
    assert result is not None and "取决于" in result.text.split("。")[0]


def test_a_difference_asked_with_a_modifier_is_led_by_the_sentence_stating_it() -> None:
    # "有啥本质不同": the contrasting sentence names only one side ("与银行贷款的…区别在于：前者…后者…")
    result = Composer([VERSUS]).compose("保理跟找银行借钱有啥本质不同", hits(VERSUS))
    assert result is not None and result.text.startswith("与银行贷款的根本区别")


HANDLING = Chunk(
    "039_j#faq1", "039_j", "索赔处理", "faq", "索赔怎么处理?",
    "投保人须在获悉清盘后20天内向保险公司递交索赔单据。收到全部单据后，先核对发货记录，再通知赔付金额。",
    0, 0,
)


def test_what_happens_after_an_event_is_led_by_the_sentence_opening_with_that_event() -> None:
    # "递交材料以后接下来干嘛": not the deadline to hand the papers in, but what is done once they are in
    result = Composer([HANDLING]).compose("索赔单据递交以后保险公司接下来干嘛", hits(HANDLING))
    assert result is not None and result.text.startswith("收到全部单据后")


RATED = Chunk(
    "040_k#sec1", "040_k", "选择保理商", "section", "选择保理商",
    "挑选保理商时要看它的资本实力和评级机构给的评级。某保理商获评A+级信用评级，资金来源稳定。",
    0, 0,
)


def test_a_grade_asked_for_is_answered_by_the_sentence_stating_one() -> None:
    result = Composer([RATED]).compose("挑保理商看评级，那家的评级是啥级别", hits(RATED))
    assert result is not None and "A+级" in result.text.split("。")[0]
