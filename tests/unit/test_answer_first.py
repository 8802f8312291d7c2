"""Answer first: a plain "能赔" when the asked event is what the articles cover, the asked figure restated
with its event, and supporting sentences that bring in a figure nobody asked about left out.

The articles here are invented (a fictional insurer's wording); none comes from the evaluation sets.
"""

from __future__ import annotations

from knowledge.answering import Composer
from knowledge.conflicts import Conflict, figures
from knowledge.cover import covered_items, yes_verdict
from knowledge.formatting import Citations, conflict_line, figure_lead, framed
from knowledge.grounding import ungrounded
from knowledge.questions import content_terms
from knowledge.sentences import Sentence
from knowledge.types import Chunk
from tests.unit.articles import ranked as hits

SCOPE = Chunk(
    "010_s#faq1", "010_s", "保单条款", "faq", "保单保哪些情况?",
    "本保单承保进口商清盘或恶意赖账造成的货款损失，理赔时需提供往来单据。投保企业可按季度调整投保名单。",
    0, 0,
)
CARVE_OUT = Chunk(
    "011_c#faq1", "011_c", "除外条款", "faq", "哪些情况不在保单内?",
    "以下情形不赔：进口商清盘前已发生的贸易纠纷、运输途中的货损。",
    0, 0,
)
PAYOUT = Chunk(
    "012_p#faq1", "012_p", "赔款时效", "faq", "赔款多久到账?",
    "多数保险公司在收到齐全的索赔单据后,通常在20-40个工作日内支付赔款。理赔顾问会全程跟进案件。",
    0, 0,
)
NOTES = Chunk(
    "015_n#sec1", "015_n", "理赔须知", "section", "理赔须知",
    "索赔单据可以通过网上系统提交，无需邮寄纸质件。赔款一般在20个工作日内到账。单据缺漏的可以事后补交。",
    0, 0,
)
SCHEDULE = Chunk(
    "014_d#sec1", "014_d", "催款安排", "section", "催款安排",
    "催款可以分步走：逾期5日内电话提醒；20天后寄发律师函。",
    0, 0,
)



def test_covered_items_are_the_list_after_the_cover_word() -> None:
    assert covered_items("本保单承保进口商清盘或恶意赖账造成的货款损失，理赔时需提供往来单据。") == [
        "进口商清盘", "恶意赖账造成的货款损失"]
    assert covered_items("保障范围涵盖各类付款违约，但不包括汇兑损失。") == ["各类付款违约"]
    assert covered_items("本保单不承保运输货损。") == []


def test_a_cover_question_naming_a_covered_event_is_answered_yes_first() -> None:
    composer = Composer([SCOPE, PAYOUT])
    result = composer.compose("我们的进口商清盘了，这批货款保险赔吗", hits(SCOPE, PAYOUT))
    assert result is not None and result.text.startswith("能赔：进口商清盘属于承保范围[1]。本保单承保")


def test_no_yes_when_the_question_denies_the_covered_event() -> None:
    composer = Composer([SCOPE, PAYOUT])
    result = composer.compose("进口商没清盘，只是一直拖着，保险赔吗", hits(SCOPE, PAYOUT))
    assert result is not None and not result.text.startswith("能赔")


def test_no_yes_when_another_article_excludes_what_was_named() -> None:
    question = "进口商清盘了，保险赔吗"
    alone = Composer([SCOPE, PAYOUT])
    assert yes_verdict(question, alone.candidates(question, "", hits(SCOPE), False)[:1], alone) is not None
    both = Composer([SCOPE, CARVE_OUT, PAYOUT])  # the carve-out is no candidate here: it is excluded all the same
    assert yes_verdict(question, both.candidates(question, "", hits(SCOPE), False)[:1], both) is None


def test_the_asked_figure_is_restated_with_its_event_and_condition() -> None:
    assert figure_lead("多数保险公司在收到齐全的索赔单据后,通常在20-40个工作日内支付赔款。", "20-40个工作日") == (
        "收到齐全的索赔单据后，一般20-40个工作日内支付赔款")
    assert figure_lead("理赔小组平均在单据补齐后12个工作日内结案。", "12个工作日") == "单据补齐后平均12个工作日内结案"
    assert figure_lead("预警信号有三个：库存积压、退货率超过8%、订单骤减。", "8%") == "退货率超过8%"
    composer = Composer([PAYOUT, SCOPE])
    result = composer.compose("索赔单据交齐以后，一般多少个工作日能拿到赔款？", hits(PAYOUT, SCOPE))
    assert result is not None and result.text.startswith("收到齐全的索赔单据后，一般20-40个工作日内支付赔款[1]。")


def test_a_schedule_answers_by_the_step_asked_about() -> None:
    composer = Composer([SCHEDULE, SCOPE])
    result = composer.compose("逾期多少天该寄律师函", hits(SCHEDULE, SCOPE))
    assert result is not None and result.text.startswith("逾期20天后寄发律师函[1]。")


def test_a_schedule_with_no_step_named_is_not_cut_to_one() -> None:
    composer = Composer([SCHEDULE, SCOPE])
    result = composer.compose("催款一般分几天几步", hits(SCHEDULE, SCOPE))
    assert result is not None and result.text.startswith("催款可以分步走")


def test_a_supporting_sentence_with_a_figure_nobody_asked_for_is_left_out() -> None:
    composer = Composer([NOTES, SCOPE])
    question = "索赔单据能在网上系统交吗"
    found = composer.candidates(question, "", hits(NOTES), False)
    online, payout, late = (next(c for c in found if word in c.sentence.text) for word in ("网上", "到账", "补交"))
    kept = composer._without_stray_figures([online, payout, late], content_terms(question))
    assert kept == [online, late]  # a sentence without a figure is not judged here


def test_a_conflict_line_keeps_a_figure_with_a_thousands_separator() -> None:
    one = Sentence("甲库收录超过6,500万家企业的付款记录。", "020_a", "020_a#1", 0)
    two = Sentence("乙库收录1亿家企业。", "021_b", "021_b#1", 0)
    assert [f.value for f in figures(one.text)] == ["6500"]
    line = conflict_line(Conflict("companies", (one, two)), Citations({}))
    assert "6,500万家" in line


OVERDUE_STEPS = Chunk(
    "030_a#sec1", "030_a", "账款管理", "section", "逾期账款催收",
    "货款逾期未付时，首先电话提醒买家财务；其次寄发书面催款函；最后委托律师发函。", 0, 0,
)
SETUP_STEPS = Chunk(
    "031_b#sec1", "031_b", "信用体系", "section", "搭建信用管理",
    "搭建信用管理时，首先制定书面信用政策；其次建立买家档案；最后设置分级审批。", 0, 0,
)


def test_the_first_step_is_of_the_procedure_for_the_asked_situation_and_only_it_supports() -> None:
    composer = Composer([OVERDUE_STEPS, SETUP_STEPS])
    late = composer.compose("买家货款逾期没付的话第一步怎么处理呢", hits(SETUP_STEPS, OVERDUE_STEPS))
    assert late is not None and late.text.startswith("第一步是电话提醒买家财务[1]。")
    assert "书面信用政策" not in late.text  # the other procedure's steps say nothing of this situation
    setup = composer.compose("公司打算搭建信用管理的第一步是啥呢", hits(OVERDUE_STEPS, SETUP_STEPS))
    assert setup is not None and setup.text.startswith("第一步是制定书面信用政策[1]。")


SIGNALS = Chunk(
    "016_w#sec1", "016_w", "库存风险", "section", "库存风险",
    "退货率占比是库存风险要警惕的首要指标。出现以下信号要警惕：库存积压、退货率超过8%、订单骤减。", 0, 0,
)


def test_for_a_figure_question_the_sentence_stating_the_figure_leads_and_is_cut_to_its_item() -> None:
    composer = Composer([SIGNALS, SCOPE])
    result = composer.compose("退货率占比到多少就要警惕", hits(SIGNALS, SCOPE))
    assert result is not None and result.text.startswith("退货率超过8%[1]。")


STORM_OUT = Chunk(
    "017_x#faq1", "017_x", "除外条款", "faq", "哪些损失保单不管?",
    "以下损失不赔：汇兑损失、台风等自然灾害。", 0, 0,
)
STORM_IN = Chunk(
    "018_y#faq1", "018_y", "附加险", "faq", "附加险保什么?",
    "附加险可承保台风造成的交货延误。", 0, 0,
)


def test_when_articles_disagree_on_the_asked_risk_the_disagreement_opens_the_answer() -> None:
    composer = Composer([STORM_OUT, STORM_IN, SCOPE])
    result = composer.compose("台风把港口封了，买家付不了款，保险赔不赔", hits(SCOPE, STORM_OUT, STORM_IN))
    assert result is not None and result.text.startswith("资料说法不一：一篇把“台风”列为除外")
    assert result.text.index("[1]") < result.text.index("[2]")  # numbered in reading order


PAPERS_TIMING = Chunk(
    "016_k#sec1", "016_k", "索赔单据", "section", "索赔单据",
    "索赔单据交齐以后，保险公司一般在45天内支付赔款，索赔单据不全的会延后。",
    0, 0,
)
PAPERS_LIST = Chunk(
    "017_l#sec1", "017_l", "索赔手续", "section", "索赔手续",
    "索赔需要提交的材料包括购销合同、提单副本、发票和对账单等。",
    0, 0,
)


def test_a_question_asking_for_several_things_is_answered_by_the_sentence_that_lists_them() -> None:
    composer = Composer([PAPERS_TIMING, PAPERS_LIST])
    result = composer.compose("进口商跑了 索赔单据要交哪些", hits(PAPERS_TIMING, PAPERS_LIST))
    assert result is not None and result.text.startswith("索赔需要提交的材料包括购销合同、提单副本、发票和对账单等[")


CLAIMS = Chunk(
    "016_k#faq1", "016_k", "索赔须知", "faq", "索赔有时限吗?",
    "投保企业须在得知进口商清盘后45天内递交索赔单据。保险公司一般在单据齐全后20个工作日内完成审核。", 0, 0,
)
REVIEW = Chunk(
    "017_r#faq1", "017_r", "审核时效", "faq", "审核要多久?",
    "多数保险公司在收到全部单据后，通常在40-80个工作日内完成审核。", 0, 0,
)
DUNNING = Chunk(
    "018_u#sec1", "018_u", "催款节奏", "section", "催款节奏",
    "催款分三档：拖欠5日内电话提醒；20天后寄发律师函；45天提起诉讼。另有做法是拖欠30天即提起诉讼，视客户情况而定。",
    0, 0,
)


def test_a_disagreement_on_another_duration_is_not_appended_to_the_asked_one() -> None:
    composer = Composer([CLAIMS, REVIEW])
    result = composer.compose("得知进口商清盘后多少天内要递交索赔单据", hits(CLAIMS, REVIEW))
    assert result is not None and result.text.startswith("得知进口商清盘后45天内递交索赔单据[1]。")
    assert "说法不一" not in result.text  # 20 against 40-80 working days is about the review, not the filing
    asked = composer.compose("单据齐全后审核要多少个工作日", hits(CLAIMS, REVIEW))
    assert asked is not None and "说法不一" in asked.text  # on the review itself the two articles do disagree


def test_two_counts_of_days_for_one_step_in_one_article_are_both_reported() -> None:
    composer = Composer([DUNNING, SCOPE])
    result = composer.compose("拖欠多少天可以提起诉讼", hits(DUNNING, SCOPE))
    assert result is not None and result.text.startswith("拖欠45天提起诉讼[1]。")
    assert "资料说法不一：同一篇另一处说另有做法是拖欠30天即提起诉讼[1]，以保单条款为准。" in result.text
    assert not ungrounded(result.text, [DUNNING.text, "拖欠多少天可以提起诉讼"])


def test_a_section_heading_is_not_put_ahead_of_a_sentence() -> None:
    chunk = Chunk("019_h#sec1", "019_h", "预警信号", "section", "现金流预警信号",
                  "账款回收放缓时要留意。这些变化会通过两个信号显现：回款天数拉长、订单骤减。", 0, 0)
    composer = Composer([chunk, SCOPE])
    result = composer.compose("现金流出问题前会有什么信号", hits(chunk, SCOPE))
    assert result is not None and "（" not in result.text.split("[1]")[0]


def test_a_supporting_sentence_pointing_back_says_which_part_it_is_from() -> None:
    intro = Chunk("020_i#sec1", "020_i", "回款管理", "section", "回款放缓的预警信号",
                  "回款天数拉长要留意。这些变化说明买方的付款能力在下降。", 0, 0)
    pointer = Sentence("这些变化说明买方的付款能力在下降。", "020_i", "020_i#sec1", 1)
    plain = Sentence("回款天数拉长要留意。", "020_i", "020_i#sec1", 0)
    assert framed(pointer, intro, Citations({})) == "资料“回款放缓的预警信号”一节说：这些变化说明买方的付款能力在下降[1]"
    assert framed(plain, intro, Citations({})) == "回款天数拉长要留意[1]"


def test_a_situation_question_is_led_by_what_to_do_in_it() -> None:
    scene = Chunk("021_s#faq1", "021_s", "评级", "faq", "评级是什么?",
                  "进口商的评级被调低了，说明进口商的付款能力在下降。评级下降时，应及时缩短账期。", 0, 0)
    composer = Composer([scene, SCOPE])
    result = composer.compose("进口商的评级被调低了，我们怎么应对", hits(scene, SCOPE))
    assert result is not None and result.text.startswith("评级下降时，应及时缩短账期[1]。")


def test_a_worked_out_deadline_is_not_followed_by_another_time_limit() -> None:
    both = Chunk("022_n#faq1", "022_n", "清盘索赔", "faq", "进口商清盘了怎么索赔?",
                 "投保企业须在得知进口商清盘后45天内递交索赔单据。进口商清盘的索赔单据递交后，保险公司在20个工作日内支付赔款。",
                 0, 0)
    composer = Composer([both, SCOPE])
    result = composer.compose("3月1日得知进口商清盘，索赔单据最晚哪天递交", hits(both, SCOPE))
    assert result is not None and result.text == "最晚4月15日：从得知进口商清盘（3月1日）起45天内递交索赔单据[1]。"
    # (the payout's 20 working days count something else)


def test_a_comparison_question_is_led_by_the_difference() -> None:
    pair = Chunk("023_c#faq1", "023_c", "保函与保险", "faq", "保函和保险怎么选?",
                 "银行保函和信用保险都能保障进口商付款。两者的区别在于：保函占用进口商的授信，而信用保险由卖方自己投保。",
                 0, 0)
    composer = Composer([pair, SCOPE])
    result = composer.compose("银行保函和信用保险差在哪", hits(pair, SCOPE))
    assert result is not None and result.text.startswith("两者的区别在于：保函占用进口商的授信")


def test_a_comparison_of_two_named_things_is_led_by_a_sentence_naming_both() -> None:
    terms_ = Chunk("024_t#faq1", "024_t", "结算方式", "faq", "结算方式怎么选?",
                   "银行保函与信用保险不同，前者由银行担保。新进口商须采用信用证或预付款结算。", 0, 0)
    composer = Composer([terms_, SCOPE])
    result = composer.compose("信用证和预付款哪个更稳妥", hits(terms_, SCOPE))
    assert result is not None and result.text.startswith("新进口商须采用信用证或预付款结算[1]。")


def test_an_opening_quote_drops_the_tie_to_a_sentence_the_reader_never_saw():
    citations = Citations({"030_x": "标题"})
    tied = Sentence("此外，保单一般约定等待期为九十天。", "030_x", "030_x#1", 3)
    assert citations.cite(tied, opening=True) == "保单一般约定等待期为九十天[1]"
    assert citations.cite(tied) == "此外，保单一般约定等待期为九十天[1]"  # supporting sentences stay as written
    joined = Sentence("同时具备两项条件的买方可以提高额度。", "030_x", "030_x#2", 4)
    assert citations.cite(joined, opening=True).startswith("同时具备")  # a word, not a tie: no comma after it
    assert not ungrounded(citations.cite(tied, opening=True), ["此外，保单一般约定等待期为九十天。"])
