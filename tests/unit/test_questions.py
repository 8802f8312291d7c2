"""What a question asks: the kinds of fact, the step, read from casual wording (own invented questions)."""

from __future__ import annotations

from knowledge.questions import asks_list, understand


def test_asking_the_first_thing_to_do_asks_step_one() -> None:
    assert understand("仓库那边的买家跑了 我们头一件事要干嘛").step == 1
    assert understand("想搭一套赊销管理 从哪里开始").step == 1
    assert understand("是先签合同还是先做调查").step == 0  # which of two comes first is another question


def test_several_is_not_asking_a_length() -> None:
    assert "duration" not in understand("经销商拖了好几个月没结款，保险会赔吗").kinds
    assert "duration" in understand("拖几个月才算长期拖欠").kinds


def test_casual_wording_of_share_definition_and_cover_is_read() -> None:
    assert "percent" in understand("退货里有多大比例是质量问题").kinds
    assert "definition" in understand("账龄分析到底指的啥").kinds
    assert "definition" in understand("授信额度是干嘛用的").kinds
    assert "cover" in understand("买家清盘了这笔钱保险认不认").kinds


def test_asking_for_the_papers_to_hand_in_asks_a_list() -> None:
    assert asks_list("出险以后要备齐啥材料")
    assert asks_list("报关需要交什么文件")


def test_a_how_much_word_before_a_judgement_asks_a_warning_line() -> None:
    assert "threshold" in understand("库存周转率到几个点就得报警").kinds
    assert "threshold" in understand("毛利率掉到多少老板才会急").kinds
    assert "threshold" not in understand("货到以后多少天就要验收").kinds  # a unit of time: a time limit
    assert "percent" in understand("毛利率一般是几个点").kinds


def test_a_user_saying_the_sources_disagree_is_read_by_the_shape_of_the_message() -> None:
    from knowledge.questions import asks_disagreement

    assert asks_disagreement("保理放款有人说三天有人说一周 到底哪个对")
    assert asks_disagreement("手册里写的费率前后不一样")
    assert asks_disagreement("我查到两个数字，以哪个为准")
    assert not asks_disagreement("保理跟信用险到底哪里不同")  # a comparison of two things, not of sources


def test_the_event_a_what_next_question_counts_from_is_read() -> None:
    from knowledge.questions import after_event

    assert after_event("保理合同签完以后接下来干嘛") == "保理合同签完"
    assert after_event("货发出去之后，买家那边会做什么") == "货发出去"
    assert after_event("保理放款要多久") == ""


def test_asking_what_to_get_ready_asks_for_advice() -> None:
    from knowledge.questions import asks_advice

    assert asks_advice(understand("签保理合同之前要做什么准备"))
    assert asks_advice(understand("买家清盘了 我们现在要做啥"))


def test_an_english_level_that_is_a_warning_asks_a_threshold_and_a_plain_ask_for_signs_does_not() -> None:
    assert "threshold" in understand("How long may the payout take before we should investigate?").kinds
    assert "threshold" in understand("what share of late invoices is a red flag?").kinds
    assert "threshold" not in understand("any red flags before a distributor goes under?").kinds


def test_amounts_typed_with_digit_groups_and_thousands_are_read_in_wan() -> None:
    figures = understand("保费预算3,600k，去年赔款1,250万").figures
    assert [(f.value, f.unit) for f in figures] == [(360.0, "万"), (1250.0, "万")]


def test_a_chinese_decimal_is_read_whole() -> None:
    """Regression (reason3): "百分之三点二" is 3.2%, not 3% followed by stray characters."""
    q = understand("毛利率从百分之三点二掉到百分之二点四了")
    assert [f.value for f in q.figures if f.unit == "%"] == [3.2, 2.4]
    assert "重点" in understand("重点客户有一点多").text


def test_regression_a_step_said_done_then_a_next_question_asks_the_step_after_it() -> None:
    assert understand("第二步已经搞定了，接下来呢").step == 3
    assert understand("第二步搞定了没").step == 2  # no next-step question: still the step named


def test_regression_the_articles_second_ordinal_asks_step_two() -> None:
    assert understand("其次那点指的是啥").step == 2
    assert understand("其次想问一下保费怎么算").step == 0  # 其次 opening another question asks no step
