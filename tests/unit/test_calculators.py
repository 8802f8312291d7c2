"""Calculators and the CONTRACT ledger formulas against small hand-computed ledgers."""

from __future__ import annotations

from datetime import date

import pytest

from tools.calculators import (
    CalculationError,
    LedgerInvoice,
    current_ratio,
    discount_cost,
    dso,
    ledger,
    overdue_ratio,
    working_capital_ratio,
)

D = date(2026, 6, 30)


def inv(issue: str, due: str, amount: float, paid: float = 0, paid_date: str | None = None) -> LedgerInvoice:
    return LedgerInvoice(
        date.fromisoformat(issue), date.fromisoformat(due), round(amount * 100), round(paid * 100),
        date.fromisoformat(paid_date) if paid_date else None,
    )


def test_dso_examples() -> None:
    assert dso(720_000, 1_620_000, 90) == 40.0
    assert dso(1_200_000, 3_000_000, 60) == 24.0
    assert dso(500_000, 800_000, 30) == 18.8


@pytest.mark.parametrize(("ar", "sales", "days"), [(-1, 10, 90), (1, 0, 90), (1, 10, 0), (1, -5, 90)])
def test_dso_refuses_meaningless_numbers(ar: float, sales: float, days: int) -> None:
    with pytest.raises(CalculationError):
        dso(ar, sales, days)


def test_discount_cost_2_10_net_30() -> None:
    simple, compound = discount_cost(2, 10, 30)
    assert simple == pytest.approx(2 / 98 * 365 / 20, abs=1e-4)
    assert round(simple * 100, 1) == 37.2
    assert compound == pytest.approx((1 + 2 / 98) ** (365 / 20) - 1, abs=1e-4)


def test_discount_cost_1_10_net_45() -> None:
    simple, _ = discount_cost(1, 10, 45)
    assert round(simple * 100, 2) == 10.53


def test_ratios() -> None:
    assert overdue_ratio(50, 200) == 0.25
    assert current_ratio(300, 200) == 1.5
    assert working_capital_ratio(300, 200, 1000) == 0.1
    with pytest.raises(CalculationError):
        overdue_ratio(300, 200)
    with pytest.raises(CalculationError):
        current_ratio(1, 0)


def test_ledger_with_partial_payments_and_ageing() -> None:
    invoices = [
        inv("2026-03-01", "2026-03-31", 1000, 1000, "2026-04-10"),  # fully paid before D: 0 outstanding
        inv("2026-04-15", "2026-05-15", 2000, 500, "2026-06-01"),  # 1500 outstanding, 46 days past due
        inv("2026-05-20", "2026-06-19", 3000),  # 11 days past due
        inv("2026-06-10", "2026-07-10", 4000, 1000, "2026-07-05"),  # paid after D: all 4000 outstanding, current
        inv("2026-07-01", "2026-07-31", 9999),  # issued after D: ignored
        inv("2026-01-01", "2026-01-31", 700),  # 150 days past due
    ]
    result = ledger(invoices, D, 90)
    assert result.ar_outstanding == 1500 + 3000 + 4000 + 700
    # window (2026-04-01, 2026-06-30]: the 04-15, 05-20 and 06-10 invoices
    assert result.credit_sales == 2000 + 3000 + 4000
    assert result.dso_days == round(9200 / 9000 * 90, 1)
    assert result.aging == {"current": 4000, "d1_30": 3000, "d31_60": 1500, "d61_90": 0, "d90_plus": 700}
    assert result.overdue_cny == 5200
    assert result.overdue_ratio == round(5200 / 9200, 4)


def test_ledger_as_of_in_the_past_ignores_later_payments_and_invoices() -> None:
    invoices = [inv("2026-03-01", "2026-03-31", 1000, 1000, "2026-04-10"), inv("2026-04-15", "2026-05-15", 2000)]
    result = ledger(invoices, date(2026, 4, 1), 32)
    assert result.ar_outstanding == 1000  # the payment of 04-10 had not happened yet; 04-15 not issued
    assert result.credit_sales == 1000  # 03-01 is inside (2026-02-28, 2026-04-01]
    assert result.dso_days == 32.0
    assert result.aging["d1_30"] == 1000
    assert ledger(invoices, date(2026, 4, 1), 31).credit_sales == 0  # 03-01 = D - P is excluded


def test_ledger_window_boundaries() -> None:
    invoices = [inv("2026-04-01", "2026-05-01", 100), inv("2026-04-02", "2026-05-02", 10)]
    # D - P = 2026-04-01 is excluded, 2026-04-02 included
    assert ledger(invoices, D, 90).credit_sales == 10
    # due exactly on D is current; one day later it is 1-30
    due_today = [inv("2026-06-01", "2026-06-30", 50)]
    assert ledger(due_today, D, 90).aging["current"] == 50
    assert ledger(due_today, date(2026, 7, 1), 90).aging["d1_30"] == 50


def test_ledger_without_sales_has_null_dso() -> None:
    result = ledger([inv("2025-01-01", "2025-02-01", 100.55)], D, 90)
    assert result.dso_days is None
    assert result.ar_outstanding == 100.55
    assert result.aging["d90_plus"] == 100.55
    empty = ledger([], D, 90)
    assert empty.dso_days is None and empty.overdue_ratio is None and empty.ar_outstanding == 0


def test_ledger_rounds_to_cents() -> None:
    result = ledger([inv("2026-06-01", "2026-07-01", 0.1), inv("2026-06-02", "2026-07-02", 0.2)], D, 90)
    assert result.ar_outstanding == 0.3


def test_dso_rounds_half_up_to_a_tenth() -> None:
    """Regression: 300万 ÷ 1200万 × 365 = 91.25 was shown as 91.2 (round-half-even)."""
    assert dso(3_000_000, 12_000_000, 365) == 91.3
    assert dso(1, 8, 90) == 11.3  # 11.25
