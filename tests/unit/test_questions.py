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


def test_amounts_typed_with_digit_groups_and_thousands_are_read_in_wan() -> None:
    figures = understand("保费预算3,600k，去年赔款1,250万").figures
    assert [(f.value, f.unit) for f in figures] == [(360.0, "万"), (1250.0, "万")]
