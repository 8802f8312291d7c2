"""The calculator tools as schema in, schema out: shared by ``POST /calc/*`` and the local tools."""

from __future__ import annotations

from tools import calculators
from tools.schemas import DsoArgs, DsoResult, RatioArgs, RatioResult


def compute_dso(args: DsoArgs) -> DsoResult:
    """DSO from typed numbers, with the formula written out.

    Raises:
        calculators.CalculationError: when the numbers give no meaningful DSO.
    """
    days = calculators.dso(args.receivables, args.credit_sales, args.period_days)
    formula = f"DSO = {args.receivables:,.2f} / {args.credit_sales:,.2f} * {args.period_days} = {days:.1f}"
    return DsoResult(dso_days=days, formula=formula)


def compute_ratio(args: RatioArgs) -> RatioResult:
    """One of the ratio calculators, chosen by ``args.kind``.

    Raises:
        calculators.CalculationError: when the numbers give no meaningful ratio.
    """
    if args.kind == "overdue_ratio":
        value = calculators.overdue_ratio(args.overdue, args.receivables)
        return RatioResult(kind=args.kind, value=value, formula="overdue / receivables")
    if args.kind == "current_ratio":
        value = calculators.current_ratio(args.current_assets, args.current_liabilities)
        return RatioResult(kind=args.kind, value=value, formula="current_assets / current_liabilities")
    if args.kind == "working_capital_ratio":
        value = calculators.working_capital_ratio(args.current_assets, args.current_liabilities, args.total_assets)
        return RatioResult(
            kind=args.kind, value=value, formula="(current_assets - current_liabilities) / total_assets"
        )
    simple, compound = calculators.discount_cost(args.discount_pct, args.discount_days, args.net_days,
                                                args.basis_days)
    return RatioResult(
        kind=args.kind,
        value=simple,
        compound=compound,
        formula=f"d/(100-d) * {args.basis_days}/(net_days - discount_days); "
                f"compound (1 + d/(100-d))^({args.basis_days}/(net-disc)) - 1",
    )
