"""Which tool a message asks for, and the values it carries."""

from __future__ import annotations

import pytest

from tools.intents import detect, fill_slots, spaced_scripts


@pytest.mark.parametrize(
    "question",
    [
        "DSO 40天算高吗？",
        "行业平均DSO是多少？",
        "信用评分低的买家还能投保吗？",
        "DSO是什么意思",
        "合同里1/15 Net 45这种条款是什么意思？",
        "你们公司地址在哪",
        "你们公司的评级是多少",
        "公司刚成立能买信用保险吗",
        "客户逾期了第一步该做什么",
        "信用额度跟保险怎么配合",
        "信用额度怎么定",
        "上季度DSO是45天，这个月变成60天，正常吗？",
        "客户逾期了怎么办",
        "那需要准备什么材料?",
        # regression (own wording): what was left after "客户" asked how long, no trade name
        "客户欠款逾期多长时间要上门",
        # regression (own wording): "多少天" left its unit behind ("天要起诉"), read as a trade name
        "拖欠多少天可以起诉对方",
    ],
)
def test_knowledge_questions(question: str) -> None:
    assert detect(question) is None


@pytest.mark.parametrize(
    ("question", "args"),
    [
        ("DSO是多少？应收账款300万，赊销额600万，周期90天", {"receivables": 3e6, "credit_sales": 6e6, "period_days": 90}),
        ("赊销额一年1200万，应收300万，算下DSO", {"receivables": 3e6, "credit_sales": 12e6, "period_days": 365}),
        ("我们应收800万，年销售额4800万，DSO多少天", {"receivables": 8e6, "credit_sales": 48e6, "period_days": 365}),
        ("应收账款1,200,000元，本季度赊销3,600,000元，帮我算DSO",
         {"receivables": 1.2e6, "credit_sales": 3.6e6, "period_days": 90}),
        ("DSO: AR 1.5M, sales 4.5M over 90 days", {"receivables": 1.5e6, "credit_sales": 4.5e6, "period_days": 90}),
        ("Calculate DSO with receivables of 300k and quarterly credit sales of 900k",
         {"receivables": 3e5, "credit_sales": 9e5, "period_days": 90}),
        ("赊销三千五百万，应收一千二百万，一年，DSO？", {"receivables": 12e6, "credit_sales": 35e6, "period_days": 365}),
        ("半年赊销两百万，应收一百万，DSO多少", {"receivables": 1e6, "credit_sales": 2e6, "period_days": 180}),
    ],
)
def test_dso_values_are_read(question: str, args: dict) -> None:
    request = detect(question)
    assert request is not None and request.tool == "calc_dso"
    assert request.args == args and request.missing == []


@pytest.mark.parametrize(
    ("question", "tool", "query", "strong"),
    [
        ("华信的信用评分", "buyer_lookup", "华信", True),
        ("查一下买家 CN1007", "buyer_lookup", "CN1007", True),
        ("cn1007 信用怎么样", "buyer_lookup", "CN1007", True),
        ("91330200FX9A4UWC0K 是哪家", "buyer_lookup", "91330200FX9A4UWC0K", True),
        ("CN1007 的DSO和账龄", "buyer_receivables", "CN1007", True),
        ("宁波恒丰现在逾期多少", "buyer_receivables", "宁波恒丰", False),
        ("帮我看看 宁波蓝鲸湾零号进出口有限公司 信用分多少", "buyer_lookup", "宁波蓝鲸湾零号进出口有限公司", True),
        ("What is the credit score of Harbor Lane Home Goods LLC?", "buyer_lookup", "Harbor Lane Home Goods LLC", True),
        ("佛山华信金属材料有限公司", "buyer_lookup", "佛山华信金属材料有限公司", True),
        ("那安联贸易的评级是多少？", "buyer_lookup", "安联贸易", False),
        ("帮我查下 东莞宏远", "buyer_lookup", "东莞宏远", True),
        ("“海纳纺织”信用分", "buyer_lookup", "海纳纺织", True),
        ("宁波恒丰欠我们多少钱", "buyer_receivables", "宁波恒丰", False),
        ("how much does CN1042 owe us", "buyer_receivables", "CN1042", True),
        ("海纳纺织有没有逾期", "buyer_receivables", "海纳纺织", False),
        ("海纳纺织逾期多少天了", "buyer_receivables", "海纳纺织", False),
        ("Saigon Textile Trading Co., Ltd.", "buyer_lookup", "Saigon Textile Trading Co., Ltd.", True),
    ],
)
def test_buyer_requests(question: str, tool: str, query: str, strong: bool) -> None:
    request = detect(question)
    assert request is not None
    assert (request.tool, request.args["query"], request.strong) == (tool, query, strong)


def test_buyer_question_without_a_name_needs_one() -> None:
    request = detect("这家买家信用怎么样")
    assert request is not None and request.tool == "clarify_buyer" and request.missing == ["buyer"]


def test_follow_up_fills_the_missing_amount() -> None:
    args, missing = fill_slots("calc_dso", "大概50万吧", {"credit_sales": 8e5, "period_days": 30}, missing=["receivables"])
    assert args["receivables"] == 5e5 and missing == []
    args, missing = fill_slots("calc_dso", "上季度的", {"credit_sales": 8e5, "receivables": 5e5}, missing=["period_days"])
    assert args["period_days"] == 90 and missing == []


def test_ledger_window_is_read() -> None:
    request = detect("CN1007 截至2026-09-30 过去60天的账龄")
    assert request is not None and request.args == {"query": "CN1007", "as_of": "2026-09-30", "period_days": 60}


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("DSO怎么算", "calc_dso"),
        ("应收账款周转天数怎么计算？", "calc_dso"),
        ("逾期率的公式", "overdue_ratio"),
        ("流动比率怎么算", "current_ratio"),
        ("营运资金比率如何计算", "working_capital_ratio"),
        ("现金折扣的年化成本怎么算？", "discount_cost"),
    ],
)
def test_how_is_it_computed_asks_for_the_formula(question: str, kind: str) -> None:
    request = detect(question)
    assert request is not None and request.tool == "formula" and request.args == {"kind": kind}


@pytest.mark.parametrize(
    "question",
    [
        "客户欠了我们一笔货款",  # a customer in general, and only common words left once the question words go
        "买家的信用评级一般分成几档",
        "有几家买家逾期了",
        "逾期了几天就该停止给对方供货",
        "要是客户的公司倒闭了 欠的钱保险赔吗",  # "公司" starts what is left: no legal form closing a name
        "数据库里一共收录了多少家公司",  # ends in a legal form yet asks for a count
        "客户拖了半年 追账该分哪几步走",  # a rare word ("追账") is left, but so is a question word
    ],
)
def test_a_generic_customer_or_a_count_of_companies_is_for_the_knowledge_core(question: str) -> None:
    assert detect(question) is None


@pytest.mark.parametrize(
    ("question", "tool", "query", "strong"),
    [
        ("客户佳美还欠多少", "buyer_receivables", "佳美", True),  # a coined 字号 right after 客户
        ("买家格力的评分", "buyer_lookup", "格力", True),  # a rare noun to jieba
        ("客户宁波瑞丰进出口有限公司的账龄", "buyer_receivables", "宁波瑞丰进出口有限公司", True),
    ],
)
def test_a_named_buyer_after_the_word_customer_still_reaches_the_tools(
    question: str, tool: str, query: str, strong: bool
) -> None:
    request = detect(question)
    assert request is not None
    assert (request.tool, request.args["query"], request.strong) == (tool, query, strong)


def test_a_buyer_question_with_only_the_word_company_names_no_buyer() -> None:
    assert detect("你们公司的信用评级多少") is None
    request = detect("这家公司的评级多少")
    assert request is not None and request.tool == "clarify_buyer"


def test_receivables_and_sales_typed_without_naming_dso() -> None:
    request = detect("AR 3.2M sales 9.6M quarter")
    assert request is not None and request.tool == "calc_dso"
    assert request.args == {"receivables": 3.2e6, "credit_sales": 9.6e6, "period_days": 90}


def test_an_ageing_bucket_is_not_the_ledger_period() -> None:
    request = detect("CN1000 超过60天的账有多少")
    assert request is not None and request.tool == "buyer_receivables" and request.args == {"query": "CN1000"}


@pytest.mark.parametrize(
    "question",
    [
        "我们的流动比率0.9，这样行不行",
        "逾期率8% 周转天数同比多了10% 流动比率2.1 需要排查吗",
        "DSO是52，偏高吗",
    ],
)
def test_a_metric_whose_own_value_is_typed_is_judged_not_computed(question: str) -> None:
    assert detect(question) is None


@pytest.mark.parametrize(
    ("question", "args"),
    [
        ("应收共两千万 超过合同账期还没收回的有260万 逾期率多少", {"receivables": 2e7, "overdue": 2.6e6}),
        ("应收1600万 其中拖欠的400万 占比多少", {"receivables": 1.6e7, "overdue": 4e6}),
        ("AR 900k, overdue 90k, what share is that", {"receivables": 9e5, "overdue": 9e4}),
    ],
)
def test_past_due_said_in_other_words_and_a_share_asked_without_the_ratio_name(question: str, args: dict) -> None:
    request = detect(question)
    assert request is not None and request.tool == "calc_ratio" and request.missing == []
    assert request.args == {"kind": "overdue_ratio", **args}


def test_an_earlier_periods_days_are_the_metrics_old_value_not_the_period() -> None:
    request = detect("本季度应收450万 季度赊销1350万 DSO多少 上年同期是25天")
    assert request is not None and request.tool == "calc_dso"
    assert request.args == {"receivables": 4.5e6, "credit_sales": 1.35e7, "period_days": 90}
    assert request.earlier == (25.0, "天")


def test_capitalised_english_input_names_are_read() -> None:
    request = detect("Receivable balance 2M, sales on credit 5M over 100 days, DSO?")
    assert request is not None and request.args == {"receivables": 2e6, "credit_sales": 5e6, "period_days": 100}


def test_an_invoice_amount_with_discount_terms_is_kept_for_the_money_answer() -> None:
    request = detect("3/15 net 45 一张80万的单子 提前付的话要少收多少")
    assert request is not None and request.tool == "calc_ratio"
    assert request.args["invoice"] == 8e5 and request.args["discount_pct"] == 3.0


def test_an_amount_after_a_word_already_given_takes_the_next_label() -> None:
    request = detect("AR is 8M and 2M of it is past due, overdue ratio?")
    assert request is not None and request.args == {"kind": "overdue_ratio", "receivables": 8e6, "overdue": 2e6}


def test_an_english_ledger_question_leaves_only_the_name() -> None:
    from tools.intents import buyer_name

    assert buyer_name("Nordlicht Handel GmbH receivables at 2025/03/31, 45-day DSO") == "Nordlicht Handel GmbH"


def test_an_english_question_about_a_late_buyer_is_no_buyer_name() -> None:
    from tools.intents.buyers import buyer_by_name

    assert buyer_by_name("our buyer from peru is 20 days overdue now, which step should we take") is None
    assert buyer_by_name("look up buyer Nordlicht Handel GmbH").args["query"] == "Nordlicht Handel GmbH"


def test_a_part_read_larger_than_its_whole_is_swapped() -> None:
    args, _ = fill_slots("overdue_ratio", "说到逾期，我们800万应收里过了账期的有96万", {})
    assert args == {"overdue": 960000.0, "receivables": 8000000.0}


@pytest.mark.parametrize("text, kind", [("流动资产760万，流动负债700万，这样危险吗", "current_ratio"),
                                        ("应收账款合计5200万 逾期880万", "overdue_ratio")])
def test_the_named_inputs_of_a_ratio_typed_and_judged_make_that_ratio(text: str, kind: str) -> None:
    request = detect(text)
    assert request is not None and request.args["kind"] == kind and not request.missing


def test_another_question_on_the_inputs_is_left_to_the_knowledge_core() -> None:
    assert detect("应收账款500万里逾期了120万，信用保险一般能赔多少") is None


def test_an_english_question_about_firms_in_general_names_no_buyer() -> None:
    from tools.intents.buyers import buyer_by_name

    # a norm asked of many firms ("the average … of companies in X") is no trade name to look up
    assert buyer_by_name("typical DSO of manufacturing firms in Poland") is None
    assert buyer_by_name("look up buyer Nordlicht Handel GmbH") is not None


@pytest.mark.parametrize(
    ("question", "tool", "args"),
    [
        # slang for sales on credit, and what is still on the books
        ("上季度赊账卖了三百万 账上还挂着一百二十万 DSO多少", "calc_dso",
         {"credit_sales": 3_000_000, "receivables": 1_200_000, "period_days": 90}),
        # a share asked in English without naming the ratio
        ("past due 30万, receivables 200万, what percent is that", "calc_ratio",
         {"kind": "overdue_ratio", "overdue": 300_000, "receivables": 2_000_000}),
        # a share written as part of a whole, the part's word shared with the whole's
        ("past-due receivables 1.5m out of 6m, how bad is that", "calc_ratio",
         {"kind": "overdue_ratio", "overdue": 1_500_000, "receivables": 6_000_000}),
        # the earlier year's figure in brackets after a word that also names it: the period stays the half-year
        ("半年赊销3000万 应收900万 DSO 比去年怎样（去年同期40天）", "calc_dso",
         {"credit_sales": 30_000_000, "receivables": 9_000_000, "period_days": 180}),
        # what peers usually see is no period
        ("上季度赊销1200万 应收400万 DSO多少 听说行业一般50天左右", "calc_dso",
         {"credit_sales": 12_000_000, "receivables": 4_000_000, "period_days": 90}),
        # terms with the discount days written in days, and "take it or not" asking their cost
        ("3%/15天 net 60 拿不拿", "calc_ratio",
         {"kind": "discount_cost", "discount_pct": 3, "discount_days": 15, "net_days": 60}),
        # current assets and liabilities by their English abbreviations
        ("CA 3m vs CL 2.5m, current ratio ok?", "calc_ratio",
         {"kind": "current_ratio", "current_assets": 3_000_000, "current_liabilities": 2_500_000}),
    ],
)
def test_loose_wording_still_reaches_the_calculator(question: str, tool: str, args: dict) -> None:
    request = detect(question)
    assert request is not None and request.tool == tool and request.args == args and not request.missing


def test_latin_words_run_into_chinese_are_spaced_apart() -> None:
    # regression: "limit多少" had no word boundary after "limit", so the English field word was missed
    assert spaced_scripts("我们的AR还有多少") == "我们的 AR 还有多少"
    assert spaced_scripts("payment term改成net60") == "payment term 改成 net60"
    assert spaced_scripts("应收 500万") == "应收 500万"


def test_terms_with_a_date_asking_which_day_are_for_the_knowledge_core() -> None:
    """english5 regression (own wording): the day a discount ends is a date, not the discount's cost."""
    assert detect("1/15 net 60 and the invoice is dated 12 May 2026, which day does the discount end?") is None
    request = detect("1/15 net 60, is the discount worth it?")
    assert request is not None and request.args["kind"] == "discount_cost"
