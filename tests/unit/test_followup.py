"""Follow-up detection and rewriting into a self-contained query."""

from __future__ import annotations

import pytest

from knowledge.followup import is_elliptical, resolve


@pytest.mark.parametrize("text", ["那需要准备什么材料?", "那安联贸易的评级是多少？", "还有呢", "它要多久？", "多少钱"])
def test_elliptical_messages(text: str) -> None:
    assert is_elliptical(text)


@pytest.mark.parametrize("text", ["那要是保单到期了买方才破产呢", "还有，它的理赔比例一般是多少"])
def test_a_lead_word_before_a_supposition_or_a_pronoun_still_leans_on_the_previous_turn(text: str) -> None:
    assert is_elliptical(text)


@pytest.mark.parametrize("text", ["理赔需要准备哪些材料？", "贸易信用保险主要保障哪些风险？",
                                  "那出口企业投保信用保险一般要准备什么"])
def test_self_contained_messages(text: str) -> None:
    assert not is_elliptical(text)


def test_follow_up_is_rewritten_with_previous_topic() -> None:
    resolved = resolve("那需要准备什么材料?", "发生买方破产后怎么理赔")
    assert resolved.focus == "需要准备什么材料?"
    assert resolved.context == "发生买方破产后怎么理赔"
    assert "理赔" in resolved.query and "材料" in resolved.query
    assert resolved.topic == resolved.query


def test_without_previous_topic_nothing_is_added() -> None:
    resolved = resolve("那需要准备什么材料?", None)
    assert resolved.query == "那需要准备什么材料?" and resolved.context == ""


def test_self_contained_question_ignores_previous_topic() -> None:
    resolved = resolve("坏账保护和催收有什么区别？", "理赔要多久")
    assert resolved.context == "" and resolved.topic == "坏账保护和催收有什么区别？"


def test_ellipsis_is_judged_on_the_users_words_not_added_synonyms() -> None:
    # normalisation appends article wording ("文件 资料 凭证"); the message is still a short follow-up
    resolved = resolve("需要哪些材料 文件 资料 凭证", "理赔要多久？", surface="需要哪些材料")
    assert resolved.context == "理赔要多久？" and "理赔" in resolved.query
    alone = resolve("需要哪些材料 文件 资料 凭证", "理赔要多久？")
    assert alone.context == ""


def test_asking_what_is_not_paid_stands_alone() -> None:
    # "不赔" stands for the articles' 除外责任: the exclusions are a question of their own, even after "那"
    assert not is_elliptical("有什么情形保险不赔")
    assert not is_elliptical("那有哪几种情形是不保的")
    assert is_elliptical("那保费呢")


@pytest.mark.parametrize("text", ["我们是9月3号才知道的，那截止是哪天", "已经拖了75天了呢"])
def test_a_new_figure_that_asks_on_leans_on_the_previous_turn(text: str) -> None:
    assert is_elliptical(text)


@pytest.mark.parametrize("text", ["ok so what's the limit then", "and what about the documents", "逾期率呢", "坏账准备呢 也有吗"])
def test_english_lead_words_and_a_subject_with_ne_lean_on_the_previous_turn(text: str) -> None:
    # regression: "ok and …" was no lead, and English words were counted letter by letter
    assert is_elliptical(text)


def test_an_english_question_of_its_own_is_not_short() -> None:
    assert not is_elliptical("Once our claim file is complete, when do insurers usually pay out?")


def test_a_new_subject_with_ne_keeps_what_was_asked_but_drops_the_old_subject() -> None:
    # regression: "DSO呢" after a 流动比率 question answered with 流动比率's line again
    resolved = resolve("DSO呢 有没有一样的警戒线", "流动比率跌到几算危险")
    assert "流动比率" not in resolved.query and "DSO" in resolved.query and "危险" in resolved.query


@pytest.mark.parametrize("text", ["调查那步已经弄完了，那第三步呢", "前两步都办完了 接下来干啥好"])
def test_regression_a_step_asked_with_no_subject_leans_on_the_procedure_just_told(text: str) -> None:
    # regression: a step question longer than a short follow-up was searched on its own and refused
    assert is_elliptical(text)


def test_regression_the_articles_second_ordinal_is_not_cut_as_a_pronoun() -> None:
    # regression: 其 was stripped as a leading pronoun, leaving "次…" and losing the asked step
    assert resolve("其次这条讲啥", "投保前的几层防护").focus == "其次这条讲啥"
