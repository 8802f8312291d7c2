"""How tool results read to a user: Chinese status words and amounts as Chinese readers write them, exactly."""

from __future__ import annotations

import pytest

from tools.replies import (
    CHINESE,
    ENGLISH,
    Chinese,
    English,
    buyer_answer,
    buyer_reply,
    buyers_compared,
    credit_verdict,
    receivables_answer,
    yuan,
)

BUYER = {"buyer_id": "X1", "name": "某某贸易", "country": "中国", "industry": "化工", "grade": 7, "status": "watch",
         "credit_limit_cny": 1_000_000.0, "avg_days_late": 12, "updated": "2026-09-30"}


@pytest.mark.parametrize(("value", "text"), [
    (1_000_000, "100万元"), (120_000_000, "1.2亿元"), (1_463_772.21, "1,463,772.21元"), (8_500, "8,500元"),
    (50_000.5, "50,000.50元"), (0, "0元"),
])
def test_amounts_are_short_only_when_short_is_exact(value: float, text: str) -> None:
    assert yuan(value) == text


def test_a_buyer_card_has_no_english_status_and_a_chinese_limit() -> None:
    text = buyer_answer(BUYER)
    assert "watch" not in text and "观察名单" in text
    assert "建议信用限额为100万元" in text and len(text.splitlines()) == 3  # the record, the caution, the date


LEDGER = {"as_of": "2026-05-31", "period_days": 30, "ar_outstanding": 400_000.0, "credit_sales": 300_000.0,
          "dso_days": 40.0, "overdue_cny": 100_000.0, "overdue_ratio": 0.25,
          "aging": {"current": 300_000.0, "d1_30": 100_000.0, "d31_60": 0.0, "d61_90": 0.0, "d90_plus": 0.0}}


def test_the_fields_asked_come_first_in_the_users_order() -> None:
    first = buyer_reply(BUYER, ["avg_days_late", "credit_limit"]).splitlines()[0]
    assert first == "某某贸易（X1）平均逾期12天付款，建议信用限额为100万元。"


def test_a_verdict_answers_first_from_the_record() -> None:
    assert credit_verdict(BUYER).startswith("不建议继续放账：某某贸易（X1）在观察名单上")
    assert credit_verdict({**BUYER, "status": "insolvent"}).startswith("不能再赊销")
    assert credit_verdict({**BUYER, "status": "active"}).startswith("可以在限额内继续赊销")


def test_several_buyers_riskiest_first() -> None:
    other = {**BUYER, "buyer_id": "X2", "name": "另一家", "grade": 2}
    assert buyers_compared([other, BUYER], []).startswith("某某贸易风险最高（信用等级7/10），另一家最低")
    assert buyers_compared([other, BUYER], ["credit_limit"]).splitlines()[0] == "X2 另一家：建议信用限额为100万元。"


def test_a_ledger_question_gets_the_figures_asked_first_and_only_the_lines_that_show_them() -> None:
    text = receivables_answer(BUYER, LEDGER, ["dso"])
    assert text.splitlines()[0].endswith("DSO为40.0天。") and "30万 × 30 = 40.0天" in text and "账龄" not in text
    owed = receivables_answer(BUYER, LEDGER, ["ar"]).splitlines()[0]
    assert owed.endswith("应收余额40万元，其中逾期10万元（占25.0%）。")
    assert "- 期间赊销：30万元" in receivables_answer(BUYER, LEDGER)  # nothing asked: the whole card


def test_both_languages_fill_every_phrase_the_builder_uses() -> None:
    assert set(Chinese.phrases) <= set(English.phrases)  # English adds DPO, whose Chinese text is the spec's
    for language in (Chinese, English):
        assert set(language.GRADE_MEANING) == set(range(1, 11))
        assert set(language.STATUS_MEANING) == {"active", "watch", "insolvent"}


def test_one_comparison_reads_alike_in_both_languages() -> None:
    calm = {**BUYER, "buyer_id": "X2", "name": "安稳实业", "grade": 2, "status": "active"}
    chinese = CHINESE.buyers_compared([calm, BUYER], ["credit_limit"])
    english = ENGLISH.buyers_compared([calm, BUYER], ["credit_limit"])
    assert chinese.splitlines() == ["X2 安稳实业：建议信用限额为100万元。", "X1 某某贸易：建议信用限额为100万元。"]
    assert english.splitlines() == ["安稳实业 (X2): credit limit CNY 1,000,000.", "某某贸易 (X1): credit limit CNY 1,000,000."]


@pytest.mark.parametrize("language", [Chinese, English])
def test_what_a_formula_tells_sets_no_norm_of_its_own(language: type) -> None:
    """A healthy level is the articles' to give (cited) or nobody's: the calculator's own words state no figure."""
    for kind, (_, _, tells, _) in language.FORMULAS.items():
        assert not any(ch.isdigit() for ch in tells), kind
