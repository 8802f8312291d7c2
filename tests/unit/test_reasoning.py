"""Reasoning with facts: deadlines from the user's dates, figures against thresholds, changes, the n-th step.

Hand-written articles and questions of our own (no evaluation question is used here).
"""

from __future__ import annotations

from datetime import date

from knowledge.deadlines import clock_start, deadline, elapsed_step, time_left
from knowledge.facts import Fact, extract_facts
from knowledge.grounding import ungrounded
from knowledge.procedures import nth_step, which_first
from knowledge.questions import understand
from knowledge.reasoning import define, reason
from knowledge.thresholds import benchmark, compare, judge_metric
from knowledge.types import Chunk
from knowledge.typos import TypoCorrector

TODAY = date(2026, 6, 1)
NOTICE = Chunk("a_1#faq0", "a_1", "保单义务", "faq", "出险后多久要通知保险人？",
               "被保险人应在发现买方无力付款后十五天内书面通知保险人，并在通知后60天内提交索赔材料。", 0, 0)
SIGNALS = Chunk("b_2#faq1", "b_2", "风险信号", "faq", "哪些指标说明客户风险升高？",
                "若坏账率持续高于3%，或应收账款周转天数同比增加25%以上，或速动比率低于0.8，应收紧赊销。", 0, 0)
PROCESS = Chunk("c_3#s2", "c_3", "保理业务", "section", "办理保理的步骤",
                "办理保理通常分三步：首先提交应收账款转让申请；其次由保理商审核买方资信；最后签订保理合同并放款。", 0, 0)
FACTS: list[Fact] = [f for c in (NOTICE, SIGNALS, PROCESS) for f in extract_facts(c)]


def relevance_by_words(question: str):  # noqa: ANN201 - a Relevance
    def relevance(fact: Fact) -> float:
        shared = {ch for ch in question if "\u4e00" <= ch <= "\u9fff"} & set(fact.sentence)
        return len(shared) / 10
    return relevance


def test_deadline_counts_from_the_date_of_the_event_the_article_names() -> None:
    q = "客户7月20日正式破产，我们7月28日才发现买方无力付款，最晚哪天要书面通知保险人"
    finding = deadline(understand(q, TODAY), FACTS, relevance_by_words(q))
    assert finding is not None
    assert finding.lead.startswith("最晚8月12日") and "7月28日" in finding.lead  # 7-28 + 15 days
    assert finding.facts[0].doc_id == "a_1"


def test_deadline_in_english_counts_the_same_way() -> None:
    q = "We discovered on 3 March that the buyer cannot pay. What is the deadline to notify the insurer? 通知"
    finding = deadline(understand(q, TODAY), FACTS, lambda f: 1.0 if f.doc_id == "a_1" else 0.0)
    assert finding is not None and finding.lead.startswith("March 18")


def test_deadline_uses_the_limit_the_user_quotes() -> None:
    """Regression (reason3): the user names the 60-day limit; the 15-day one sharing more words is not it."""
    q = "7月2日发现买方无力付款并通知了保险人，按60天内提交索赔材料的说法，最晚哪天"
    finding = deadline(understand(q, TODAY), FACTS, relevance_by_words(q))
    assert finding is not None and finding.lead.startswith("最晚8月31日")  # 7-02 + 60 days


def test_user_figure_above_a_warn_above_threshold() -> None:
    q = "我们坏账率现在4.2%，算高吗"
    finding = compare(understand(q, TODAY), FACTS, relevance_by_words(q))
    assert finding is not None and "4.2%高于" in finding.lead and "3%" in finding.lead


def test_user_figure_above_a_warn_below_threshold_is_fine() -> None:
    q = "速动比率1.1要不要紧"
    finding = compare(understand(q, TODAY), FACTS, relevance_by_words(q))
    assert finding is not None and "1.1高于" in finding.lead and "未触及" in finding.lead
    low = compare(understand("速动比率0.6要不要紧", TODAY), FACTS, relevance_by_words("速动比率0.6要不要紧"))
    assert low is not None and "0.6低于" in low.lead and "按资料，应收紧赊销" in low.lead


def test_change_between_two_user_figures_is_judged_on_the_named_metric() -> None:
    q = "应收账款周转天数去年40天今年52天，要不要紧"
    finding = reason(understand(q, TODAY), FACTS, relevance_by_words(q))
    assert finding is not None and "30%" in finding.derived and "25%" in finding.lead and "超过" in finding.lead


def test_nth_step_of_the_relevant_procedure() -> None:
    q = "办理保理第二步是什么"
    finding = nth_step(understand(q, TODAY), FACTS, relevance_by_words(q))
    assert finding is not None and finding.lead.startswith("第二步是由保理商审核买方资信")


def test_every_figure_of_a_finding_is_in_a_source_or_computed() -> None:
    q = "应收账款周转天数去年40天今年52天，要不要紧"
    finding = reason(understand(q, TODAY), FACTS, relevance_by_words(q))
    assert finding is not None
    lead = finding.lead.format("")
    sources = [f.sentence for f in finding.facts]
    assert not ungrounded(lead, sources, [q, *finding.derived])
    assert ungrounded(lead + "约有35%的企业如此。", sources, [q, *finding.derived]) == {"35"}


def test_homophone_typos_are_corrected_to_corpus_words_only() -> None:
    corrector = TypoCorrector([NOTICE.text, PROCESS.text])
    assert corrector.correct("保理商怎么审合买方资信") == "保理商怎么审核买方资信"
    assert corrector.correct("今天天气不错") == "今天天气不错"


def test_a_tool_figure_is_judged_against_the_metric_threshold() -> None:

    high = judge_metric(FACTS, "坏账率", 5.0, "%")
    assert high is not None and high.lead.startswith("5%高于资料中的“坏账率") and high.facts[0].doc_id == "b_2"
    assert judge_metric(FACTS, "DSO", 30.0, "%") is not None  # the articles' change threshold for DSO
    assert judge_metric(FACTS, "流动比率", 1.4) is None  # the articles say nothing about it


def test_benchmark_gives_the_articles_line_for_a_named_metric() -> None:

    q = "坏账率到多少算危险"
    finding = benchmark(understand(q, TODAY), FACTS, relevance_by_words(q))
    assert finding is not None and "坏账率" in finding.lead and "3%" in finding.lead and "应收紧赊销" in finding.lead
    assert benchmark(understand("保理费到多少算贵", TODAY), FACTS, relevance_by_words("保理费到多少算贵")) is None


def test_definition_question_uses_the_articles_definition() -> None:

    chunk = Chunk("d_4#s1", "d_4", "术语", "section", "术语", "常用指标包括坏账覆盖率（已赔付金额占损失金额的比例）。", 0, 0)
    facts = extract_facts(chunk)
    q = "坏账覆盖率是什么意思"
    finding = define(understand(q, TODAY), facts, relevance_by_words(q))
    assert finding is not None and finding.lead.startswith("按资料的定义，坏账覆盖率指已赔付金额占损失金额的比例")


def test_several_figures_are_each_judged_on_the_metric_named_before_them() -> None:
    q = "我们坏账率4%，速动比率1.0，要不要紧"
    finding = compare(understand(q, TODAY), FACTS, relevance_by_words(q))
    assert finding is not None and len(finding.facts) == 2
    lead = finding.lead.format("[1]", "[1]")
    assert lead.index("4%高于") < lead.index("1高于") and "未触及" in lead


def test_a_tool_figure_with_an_earlier_value_is_judged_on_its_change() -> None:

    finding = judge_metric(FACTS, "DSO", 65.0, "天", earlier=(50.0, "天"))
    assert finding is not None and finding.facts[0].doc_id == "b_2"
    assert "增加15天" in finding.lead and "30%" in finding.lead and "超过" in finding.lead
    assert "应收紧赊销" in finding.lead and {"15天", "30%"} <= set(finding.derived)
    calm = judge_metric(FACTS, "DSO", 55.0, "天", earlier=(50.0, "天"))
    assert calm is not None and "未超过" in calm.lead and "应收紧" not in calm.lead


def test_a_tool_figure_judged_only_by_change_quotes_the_change_line() -> None:

    finding = judge_metric(FACTS, "DSO", 48.0, "天")
    assert finding is not None and "本身的正常水平" in finding.lead and "25%" in finding.lead
    sources = [f.sentence for f in finding.facts]
    assert not ungrounded(finding.lead.format(""), sources, ["48"])


def test_a_metric_the_articles_only_mention_is_quoted() -> None:

    shop = Chunk("e_5#s1", "e_5", "保理", "section", "保理", "保理商通常按应收账款的80%预付货款。", 0, 0)
    finding = judge_metric(extract_facts(shop), "预付", 75.0, "%")
    assert finding is not None and finding.lead.startswith("资料里相关的说法：保理商通常按应收账款的80%预付货款")


def test_a_single_day_figure_of_a_metric_judged_by_change_gets_that_line() -> None:
    q = "应收账款周转天数70天要紧吗"
    finding = reason(understand(q, TODAY), FACTS, relevance_by_words(q))
    assert finding is not None and "25%" in finding.lead and finding.facts[0].kind == "threshold"


def test_a_users_change_is_set_against_a_reported_case() -> None:
    case = Chunk("f_6#s1", "f_6", "案例", "section", "案例", "某分销商引入信用评估后，坏账率从6%降至2%。", 0, 0)
    q = "我们坏账率从5%降到3%了 跟资料里的案例比怎么样"
    finding = reason(understand(q, TODAY), extract_facts(case), relevance_by_words(q))
    assert finding is not None and "40%" in finding.lead and "66.67%" in finding.lead and "降幅比案例小" in finding.lead
    assert not ungrounded(finding.lead.format(""), [finding.facts[0].sentence], [q, *finding.derived])


def test_figures_of_different_metrics_are_each_judged_not_taken_for_a_change() -> None:
    q = "坏账率现在2% 应收账款周转天数同比增加了40% 速动比率0.9 需要处理吗"
    finding = compare(understand(q, TODAY), FACTS, relevance_by_words(q))
    assert finding is not None and "→" not in finding.lead
    assert "40%高于" in finding.lead and "应收紧赊销" in finding.lead


def test_which_of_two_things_comes_first_follows_the_articles_order() -> None:

    q = "保理是先签合同还是先让保理商审核资信"
    finding = which_first(understand(q, TODAY), FACTS, relevance_by_words(q))
    assert finding is not None and finding.lead.startswith("按资料应先由保理商审核买方资信（第二步）")
    assert "签订保理合同并放款排在第三步" in finding.lead
    assert which_first(understand("保理商审核要多久", TODAY), FACTS, relevance_by_words("保理商审核要多久")) is None


def test_a_judged_figure_says_by_how_much_and_which_definition_the_articles_use() -> None:

    text = "衡量回款可看逾期率（超过约定账期45天仍未收回的占比）。若逾期率高于10%，应暂停新增赊销。"
    facts = extract_facts(Chunk("g_7#s1", "g_7", "指标", "section", "指标", text, 0, 0))
    finding = judge_metric(facts, "逾期率", 13.5, "%")
    assert finding is not None and "高出3.5个百分点" in finding.lead and "应暂停新增赊销" in finding.lead
    assert "指超过约定账期45天仍未收回的占比" in finding.lead and [f.kind for f in finding.facts] == ["threshold", "definition"]
    assert not ungrounded(finding.lead.format("", ""), [f.sentence for f in finding.facts], ["13.5", *finding.derived])


DUNNING = Chunk("d_4#faq2", "d_4", "催款节奏", "faq", "货款拖欠后怎么催？",
                "催款分三档：拖欠5日内电话提醒；20天后寄发律师函并停止供货；45天提起诉讼。", 0, 0)
DUNNING_FACTS = extract_facts(DUNNING) + FACTS


def test_days_elapsed_between_two_steps_name_the_step_passed_and_the_next() -> None:
    question = understand("货款已经拖欠12天了，现在该走到哪一步")
    found = elapsed_step(question, DUNNING_FACTS, relevance_by_words(question.text))
    assert found is not None
    assert found.lead == "拖欠第12天，已过“拖欠5日内电话提醒”这一步，下一步是“20天后寄发律师函并停止供货”{0}。"
    assert not ungrounded(found.lead.format(""), [DUNNING.text], [question.text, *found.derived])


def test_days_elapsed_inside_a_step_name_that_step_and_the_next() -> None:
    question = understand("拖欠第25天了，眼下应该做什么")
    found = elapsed_step(question, DUNNING_FACTS, relevance_by_words(question.text))
    assert found is not None and found.lead.startswith("拖欠第25天，眼下这一步是“20天后寄发律师函并停止供货”，下一步是“45天提起诉讼”")


def test_days_elapsed_past_the_last_step_name_only_that_step() -> None:
    question = understand("已经拖欠60天了，现在该怎么办")
    found = elapsed_step(question, DUNNING_FACTS, relevance_by_words(question.text))
    assert found is not None and found.lead == "拖欠第60天，眼下这一步是“45天提起诉讼”{0}。"


def test_no_placement_without_a_step_question_or_with_a_date() -> None:
    for text in ("货款已经拖欠12天了，保险赔吗", "货款3月2日到期，拖欠12天了，现在该走到哪一步",
                 "我们给的账期是60天，拖欠的客户现在该怎么办", "货款到期前5天了，拖欠的话现在该做什么"):
        question = understand(text, TODAY)
        assert elapsed_step(question, DUNNING_FACTS, relevance_by_words(question.text)) is None


def test_from_when_a_limit_counts_is_the_event_the_article_counts_it_from() -> None:
    question = understand("那60天是从哪天开始算的")
    found = clock_start(question, FACTS, lambda fact: 1.0)
    assert found is not None and found.lead == "60天从通知起算{0}。"
    question = understand("十五天的期限从什么时候起算，是买方破产那天吗")
    found = clock_start(question, FACTS, relevance_by_words(question.text))
    assert found is not None and found.lead == "15天从发现买方无力付款起算{0}。"
    assert not ungrounded(found.lead.format(""), [NOTICE.text], [question.text])


def test_a_start_question_naming_no_time_limit_is_no_clock_question() -> None:
    question = understand("速动比率从什么时候开始算")
    assert clock_start(question, FACTS, lambda fact: 1.0) is None
    named = understand("提交索赔材料的期限从哪天开始算")
    found = clock_start(named, FACTS, lambda fact: 1.0 if "索赔" in fact.detail else 0.3)
    assert found is not None and found.lead == "60天从通知起算{0}。"


def test_the_last_step_is_the_procedures_last() -> None:
    question = understand("办理保理的最后一步是什么")
    found = nth_step(question, FACTS, relevance_by_words(question.text))
    assert found is not None and found.lead == "最后一步（第三步）是签订保理合同并放款{0}。"
    assert not ungrounded(found.lead.format(""), [PROCESS.text], [question.text, *found.derived])
    assert understand("最后付款是哪天").step == 0  # "最后" alone asks no step


def test_an_english_what_does_x_mean_asks_for_the_articles_definition() -> None:
    assert "definition" in understand("What does the days-to-pay figure mean here?", TODAY).kinds
    assert "definition" not in understand("What do we do when the buyer is late?", TODAY).kinds
    glossary = Chunk("d_4#s1", "d_4", "术语", "section", "", "账龄是指发票开出后尚未收回的天数。", 0, 0)
    q = "What does aging mean? 账龄"  # the glossary adds the Chinese term for retrieval
    finding = define(understand(q, TODAY), extract_facts(glossary), lambda f: 1.0)
    assert finding is not None and finding.lead.startswith("The articles define 账龄 as “发票开出后尚未收回的天数”")


def test_the_step_after_the_ones_the_user_has_done() -> None:
    q = "转让申请已经交了，保理商也审完资信了，接下来做什么"
    finding = reason(understand(q, TODAY), FACTS, relevance_by_words(q))
    assert finding is not None and finding.lead.startswith("下一步（第三步）是签订保理合同并放款")


def test_the_last_ordinal_of_a_question_is_the_step_asked() -> None:
    q = "办理保理第一步我们做完了，那第二步呢"
    assert understand(q, TODAY).step == 2


def test_a_date_told_relative_to_today_starts_the_clock() -> None:
    q = "上个月20号我们发现买方无力付款，最晚哪天书面通知保险人"
    question = understand(q, TODAY)
    assert [d for d, _ in question.dates] == [date(2026, 5, 20)]
    finding = deadline(question, FACTS, relevance_by_words(q))
    assert finding is not None and "6月4日" in finding.lead


def test_a_weekday_of_last_week_is_a_date() -> None:
    question = understand("上周三我们发现买方无力付款了，啥时候之前要书面通知保险人", TODAY)  # TODAY is a Monday
    assert [d for d, _ in question.dates] == [date(2026, 5, 27)] and "duration" in question.kinds


def test_days_from_a_due_date_to_a_later_date_place_the_user_in_the_schedule() -> None:
    question = understand("这笔拖欠的货款3月2日到期，今天3月30日了，现在该走到哪一步", TODAY)
    found = elapsed_step(question, DUNNING_FACTS, relevance_by_words(question.text))
    assert found is not None and found.lead.startswith("到期后第28天，眼下这一步是“20天后寄发律师函并停止供货”")


def test_a_bare_figure_after_a_period_word_shares_the_unit_and_is_the_old_value() -> None:
    q = "周转天数今年70天，去年同期56"
    question = understand(q, TODAY)
    assert [(f.value, f.unit) for f in question.figures] == [(70.0, "天"), (56.0, "天")]
    finding = compare(question, FACTS, relevance_by_words(q))
    assert finding is not None and "56天→70天，增加25%" in finding.lead


def test_a_limit_asked_as_how_many_days_is_named_for_its_start() -> None:
    q = "书面通知保险人要在几天内发出，从哪天开始算"
    found = clock_start(understand(q, TODAY), FACTS, relevance_by_words(q))
    assert found is not None and found.lead.startswith("15天从")


def test_an_amounts_change_is_set_next_to_the_reported_change_of_the_same_thing() -> None:
    case = Chunk("h_8#s1", "h_8", "案例", "section", "案例", "某批发商投保后，营业收入反增12%，坏账显著减少。", 0, 0)
    q = "我们营业收入从5000万涨到5600万，涨了几成"
    finding = compare(understand(q, TODAY), extract_facts(case) + FACTS, relevance_by_words(q))
    assert finding is not None and finding.lead.startswith("5000万→5600万，增加12%；资料中的案例是“营业收入反增12%”")


def test_days_passed_since_the_event_leave_the_rest_of_the_limit() -> None:
    q = "发现买方无力付款已经过去9天了，书面通知保险人还来得及吗"
    finding = time_left(understand(q, TODAY), FACTS, relevance_by_words(q))
    assert finding is not None and finding.lead.startswith("还来得及") and "还剩6天" in finding.lead  # 15 - 9


def test_days_past_the_limit_are_told_as_over_it() -> None:
    q = "我们发现买方无力付款是20天前的事，现在才书面通知保险人，晚了吗"
    finding = time_left(understand(q, TODAY), FACTS, relevance_by_words(q))
    assert finding is not None and finding.lead.startswith("已超过期限") and "超出5天" in finding.lead  # 20 - 15


def test_days_not_said_to_have_passed_are_no_elapsed_time() -> None:
    # "账期45天" is a term, not days gone by since the event
    q = "账期45天的单子，发现买方无力付款后通知保险人还来得及吗"
    assert time_left(understand(q, TODAY), FACTS, relevance_by_words(q)) is None


def test_an_english_due_date_and_a_later_date_place_the_user_in_the_schedule() -> None:
    # the English words share nothing with the schedule: the due date alone says the days count from it
    question = understand("the invoice fell due on 2 May; it is 14 May now and still open. what should we do?", TODAY)
    found = elapsed_step(question, DUNNING_FACTS, lambda fact: 0.0)
    assert found is not None
    assert found.lead.startswith("At 12 days: past the step “拖欠5日内电话提醒”, the next is “20天后寄发律师函并停止供货”")


def test_an_english_date_after_the_word_due_is_read_whole() -> None:
    assert [d for d, _ in understand("due 3 April, paid 9 April", TODAY).dates] == [date(2026, 4, 3), date(2026, 4, 9)]


def test_an_english_definition_holding_a_figure_says_the_figure_in_english() -> None:
    terms = Chunk("d_5#s1", "d_5", "术语", "section", "", "逾期率是指超过合同账期45天未回款的占比。", 0, 0)
    finding = define(understand("What does overdue ratio mean? 逾期率", TODAY), extract_facts(terms), lambda f: 1.0)
    assert finding is not None and "over 45 days" in finding.lead and finding.lead.startswith("The articles define overdue ratio")


# --- english5 regression cases (own wording) -----------------------------------------------------------------

LADDER = Chunk("e_5#faq3", "e_5", "催款节奏", "faq", "逾期后怎么催？",
               "建议分档推进：逾期5日内电话提醒；20天后寄发律师函并停止供货；45天提起诉讼。", 0, 0)
LADDER_FACTS = extract_facts(LADDER)


def test_an_english_deadline_picks_the_step_doing_what_is_asked() -> None:
    """All steps of one sentence share its words: the step whose action the question names (诉讼) is dated."""
    q = "the invoice went unpaid and fell overdue on 4 May 2026, by what date do we file a lawsuit? 逾期 诉讼"
    finding = deadline(understand(q, TODAY), LADDER_FACTS, lambda f: 1.0)
    assert finding is not None and finding.lead.startswith("June 18: 45 days after May 4")


def test_an_english_deadline_uses_the_limit_the_user_quotes() -> None:
    q = "they say the claim is settled within 60 days; we discovered the loss on 2 July 2026, by what date then? 通知"
    finding = deadline(understand(q, TODAY), FACTS, lambda f: 1.0 if f.doc_id == "a_1" else 0.0)
    assert finding is not None and finding.lead.startswith("August 31")
