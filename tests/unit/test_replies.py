"""How tool results read to a user: Chinese status words and amounts as Chinese readers write them, exactly."""

from __future__ import annotations

import pytest

from tools.replies import buyer_answer, yuan

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
    assert "建议信用限额：100万元" in text
