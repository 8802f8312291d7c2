"""Facts extracted from article text: thresholds, durations with their start event, steps, definitions."""

from __future__ import annotations

from knowledge.facts import extract_facts
from knowledge.metrics import facts_about
from knowledge.numerals import arabic_figures, chinese_to_int
from knowledge.types import Chunk


def chunk(text: str, heading: str = "小标题", kind: str = "section") -> Chunk:
    return Chunk("x_1#s1", "x_1", "标题", kind, heading, text, 0, len(text))


def test_threshold_has_metric_comparator_and_value() -> None:
    facts = extract_facts(chunk("如果速动比率低于0.8，或者坏账率持续高于3%，应当收紧赊销。"))
    got = {(f.subject, f.comparator, f.value, f.unit) for f in facts if f.kind == "threshold"}
    assert ("速动比率", "<", 0.8, "") in got
    assert ("坏账率", ">", 3.0, "%") in got


def test_duration_counts_from_its_event_and_chinese_numerals_are_read() -> None:
    facts = extract_facts(chunk("保单约定，被保险人应在发现损失后十五天内书面通知保险人。"))
    duration = next(f for f in facts if f.kind == "duration")
    assert (duration.subject, duration.comparator, duration.value, duration.unit) == ("发现损失", "+", 15.0, "天")
    assert duration.detail.startswith("书面通知")


def test_duration_before_an_event_counts_backwards() -> None:
    facts = extract_facts(chunk("建议在发票到期前5天电话确认付款安排。"))
    duration = next(f for f in facts if f.kind == "duration")
    assert (duration.subject, duration.comparator, duration.value) == ("发票到期", "-", 5.0)


def test_later_limits_in_a_sequence_keep_the_event() -> None:
    facts = extract_facts(chunk("处理办法：违约2日内电话沟通；10天后寄出律师函；45天提起诉讼。"))
    durations = [(f.subject, f.value) for f in facts if f.kind == "duration"]
    assert durations == [("违约", 2.0), ("违约", 10.0), ("违约", 45.0)]


def test_ordinal_words_make_ordered_steps() -> None:
    facts = extract_facts(chunk("办理分三步：首先核对合同；其次整理发货单据；最后提交给保险人。", heading="怎么办理？"))
    steps = [(f.position, f.detail) for f in facts if f.kind == "step"]
    assert steps == [(1, "核对合同"), (2, "整理发货单据"), (3, "提交给保险人")]


def test_list_lines_make_steps() -> None:
    facts = extract_facts(chunk("流程包括：\n- 准入审核：查营业执照\n- 额度审批：按评分定额度\n- 贷后跟踪：每月复核"))
    assert [f.detail.split("：")[0] for f in facts if f.kind == "step"] == ["准入审核", "额度审批", "贷后跟踪"]


def test_a_parenthesis_defines_its_term_but_an_abbreviation_does_not() -> None:
    facts = extract_facts(chunk("可以看坏账覆盖率(已赔付金额占损失金额的比例)和销售未收款天数(DSO)。"))
    definitions = {f.subject: f.detail for f in facts if f.kind == "definition"}
    assert definitions == {"坏账覆盖率": "已赔付金额占损失金额的比例"}


def test_facts_about_a_metric_finds_it_under_any_name() -> None:
    facts = extract_facts(chunk("若应收账款周转天数同比增加30%以上，或逾期账款占比超过12%，需复核授信。"))
    assert [f.value for f in facts_about(facts, "DSO")] == [30.0]
    assert [f.value for f in facts_about(facts, "逾期率")] == [12.0]
    assert facts_about(facts, "流动比率") == []


def test_numerals() -> None:
    assert chinese_to_int("一百八十") == 180
    assert arabic_figures("逾期九十天以上，一般在三十个工作日内") == "逾期90天以上，一般在30个工作日内"


def test_a_change_is_a_figure_of_its_kind_but_no_level_to_disagree_on() -> None:
    """'快8天' answers "how many days faster", yet two articles cannot conflict over it (own wording)."""
    from knowledge.conflicts import figures

    sentence = "上线新系统后，对账速度比人工快8天。"
    assert figures(sentence) == []
    assert [(f.unit, f.value) for f in figures(sentence, levels_only=False)] == [("days", "8")]


def test_a_reported_move_from_one_level_to_another_is_a_change_fact() -> None:
    facts = extract_facts(chunk("一家批发商上线账龄监控后，逾期率从9.5%降至3%，回款也更快了。"))
    moves = [(f.subject, f.value, f.value2, f.unit, f.comparator) for f in facts if f.kind == "change"]
    assert moves == [("逾期率", 9.5, 3.0, "%", "<")]


def test_a_threshold_on_a_change_keeps_its_year_on_year_word() -> None:
    facts = extract_facts(chunk("若应收账款周转天数同比增加30%以上，需复核授信。"))
    assert [f.detail for f in facts if f.kind == "threshold"] == ["同比增加"]


def test_a_counted_sequence_splits_into_that_many_steps() -> None:
    facts = extract_facts(chunk("建议设置三道关卡：签约前查征信，发货前核额度，到期后跟催款。另有两点说明：其一，其二，其三。"))
    steps = [(f.subject, f.position, f.detail) for f in facts if f.kind == "step"]
    assert steps == [("设置三道关卡", 1, "签约前查征信"), ("设置三道关卡", 2, "发货前核额度"), ("设置三道关卡", 3, "到期后跟催款")]


def test_spoken_percentages_are_read_as_figures() -> None:
    assert arabic_figures("坏账率大概百分之六，逾期占比百分之12.5") == "坏账率大概6%，逾期占比12.5%"


def test_a_passage_under_a_what_is_heading_defines_the_term_by_its_opening_clause() -> None:
    faq = chunk("账款托管是由第三方代为跟踪和催收应收账款的服务，按回款金额收费。", heading="什么是账款托管？有什么好处？",
                kind="faq")
    meant = [(f.subject, f.detail) for f in extract_facts(faq) if f.kind == "definition"]
    assert meant == [("账款托管", "由第三方代为跟踪和催收应收账款的服务")]


def test_an_opening_about_something_else_under_a_what_is_heading_defines_nothing() -> None:
    faq = chunk("很多企业都会遇到这个问题，需要具体分析。", heading="什么是账款托管？", kind="faq")
    assert [f for f in extract_facts(faq) if f.kind == "definition"] == []


def test_so_called_and_is_a_kind_of_sentences_define_their_term() -> None:
    facts = extract_facts(chunk("所谓赊销敞口，是指尚未收回的全部赊销金额。保函是一种由银行出具的付款担保。"))
    meant = {f.subject: f.detail for f in facts if f.kind == "definition"}
    assert meant["赊销敞口"] == "尚未收回的全部赊销金额"
    assert meant["保函"].startswith("由银行出具")
