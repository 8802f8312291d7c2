"""Pure credit calculators: DSO, ledger receivables and ageing, ratios, early-payment discount cost.

The ledger formulas are the ones fixed in CONTRACT.md (as of a date D, over a period of P days):

* an invoice counts when ``issue_date <= D``; its outstanding amount at D is ``amount - paid`` when
  ``paid_date`` is set and ``<= D``, else ``amount``;
* ``ar_outstanding`` = sum of outstanding amounts; ``credit_sales`` = amounts issued in ``(D - P, D]``;
* ``dso_days`` = ``ar_outstanding / credit_sales * P`` rounded to 0.1, ``None`` when credit_sales is 0;
* ageing by days past due (``D - due_date``): current (<= 0), 1-30, 31-60, 61-90, 90+;
  ``overdue`` = all past-due buckets, ``overdue_ratio`` = overdue / AR (``None`` when AR is 0).

Ledger amounts are integer cents so that sums are exact; results are CNY rounded to 0.01.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal


class CalculationError(ValueError):
    """The numbers cannot give a meaningful result (negative, zero sales, ...)."""


@dataclass(frozen=True)
class LedgerInvoice:
    """The fields of one invoice the ledger formulas need (amounts in cents)."""

    issue_date: date
    due_date: date
    amount_cents: int
    paid_cents: int = 0
    paid_date: date | None = None


@dataclass(frozen=True)
class Ledger:
    """Receivables, DSO and ageing of one buyer at a date (amounts in CNY)."""

    as_of: date
    period_days: int
    ar_outstanding: float
    credit_sales: float
    dso_days: float | None
    overdue_cny: float
    overdue_ratio: float | None
    aging: dict[str, float]


AGING_BUCKETS = ("current", "d1_30", "d31_60", "d61_90", "d90_plus")


def _require_non_negative(**values: float) -> None:
    for name, value in values.items():
        if value is None or value != value:  # NaN
            raise CalculationError(f"{name} must be a number")
        if value < 0:
            raise CalculationError(f"{name} must not be negative (got {value})")


MAX_DSO_DAYS = 1_000_000  # a DSO past this (2,700 years) comes from mistyped numbers, not from a ledger


def _finite(value: float, limit: float = math.inf) -> float:
    """``value`` when it is a real number within ``limit``; huge inputs can overflow, which is no answer."""
    if not math.isfinite(value) or abs(value) > limit:
        raise CalculationError("the numbers are too large or too small to give a meaningful result")
    return value


def dso(receivables: float, credit_sales: float, period_days: float) -> float:
    """Days sales outstanding: ``receivables / credit_sales * period_days``, rounded to 0.1 day.

    Raises:
        CalculationError: for negative numbers, zero credit sales or a period that is not positive.
    """
    _require_non_negative(receivables=receivables, credit_sales=credit_sales, period_days=period_days)
    if credit_sales == 0:
        raise CalculationError("credit_sales must be greater than 0 (DSO is undefined without sales)")
    if period_days == 0:
        raise CalculationError("period_days must be greater than 0")
    return _tenth(_finite(receivables / credit_sales * period_days, MAX_DSO_DAYS))


def _tenth(days: float) -> float:
    """``days`` rounded to 0.1 the way people round (91.25 -> 91.3), not to the nearest even (91.2)."""
    return float(Decimal(repr(days)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def overdue_ratio(overdue: float, receivables: float) -> float:
    """Share of receivables that is past due (0..1, four decimals)."""
    _require_non_negative(overdue=overdue, receivables=receivables)
    if receivables == 0:
        raise CalculationError("receivables must be greater than 0")
    if overdue > receivables:
        raise CalculationError("overdue cannot exceed receivables")
    return round(overdue / receivables, 4)


def current_ratio(current_assets: float, current_liabilities: float) -> float:
    """Current assets over current liabilities (two decimals)."""
    _require_non_negative(current_assets=current_assets, current_liabilities=current_liabilities)
    if current_liabilities == 0:
        raise CalculationError("current_liabilities must be greater than 0")
    return round(_finite(current_assets / current_liabilities), 2)


def working_capital_ratio(current_assets: float, current_liabilities: float, total_assets: float) -> float:
    """Working capital (current assets - current liabilities) over total assets (four decimals)."""
    _require_non_negative(
        current_assets=current_assets, current_liabilities=current_liabilities, total_assets=total_assets
    )
    if total_assets == 0:
        raise CalculationError("total_assets must be greater than 0")
    return round(_finite((current_assets - current_liabilities) / total_assets), 4)


def discount_cost(discount_pct: float, discount_days: int, net_days: int, basis_days: int = 365) -> tuple[float, float]:
    """Annualised cost of NOT taking an early-payment discount (``2/10 Net 30``).

    Returns:
        ``(simple, compound)`` as fractions: ``d/(100-d) * basis/(net-discount_days)`` and
        ``(1 + d/(100-d)) ** (basis/(net-discount_days)) - 1``, rounded to 0.0001.
    """
    _require_non_negative(discount_pct=discount_pct, discount_days=discount_days, net_days=net_days)
    if not 0 < discount_pct < 100:
        raise CalculationError("discount_pct must be between 0 and 100")
    if net_days <= discount_days:
        raise CalculationError("net_days must be longer than discount_days")
    rate = discount_pct / (100 - discount_pct)
    periods = basis_days / (net_days - discount_days)
    try:
        compound = (1 + rate) ** periods - 1
    except OverflowError:  # e.g. 99/0 Net 1: (1 + 99) ** 365
        compound = math.inf
    return round(_finite(rate * periods), 4), round(_finite(compound), 4)


def ledger(invoices: Iterable[LedgerInvoice], as_of: date, period_days: int) -> Ledger:
    """Receivables, credit sales, DSO and ageing of a buyer's invoices at ``as_of`` (CONTRACT formulas)."""
    if period_days <= 0:
        raise CalculationError("period_days must be greater than 0")
    window_start = as_of - timedelta(days=period_days)
    ar = sales = 0
    buckets = dict.fromkeys(AGING_BUCKETS, 0)
    for inv in invoices:
        if inv.issue_date > as_of:
            continue
        paid = inv.paid_cents if inv.paid_date is not None and inv.paid_date <= as_of else 0
        outstanding = inv.amount_cents - paid
        ar += outstanding
        if window_start < inv.issue_date:
            sales += inv.amount_cents
        buckets[_bucket((as_of - inv.due_date).days)] += outstanding
    overdue = ar - buckets["current"]
    return Ledger(
        as_of=as_of,
        period_days=period_days,
        ar_outstanding=_cny(ar),
        credit_sales=_cny(sales),
        dso_days=_tenth(ar / sales * period_days) if sales else None,
        overdue_cny=_cny(overdue),
        overdue_ratio=round(overdue / ar, 4) if ar else None,
        aging={name: _cny(cents) for name, cents in buckets.items()},
    )


def _bucket(days_past_due: int) -> str:
    if days_past_due <= 0:
        return "current"
    if days_past_due <= 30:
        return "d1_30"
    if days_past_due <= 60:
        return "d31_60"
    if days_past_due <= 90:
        return "d61_90"
    return "d90_plus"


def _cny(cents: int) -> float:
    return round(cents / 100, 2)
