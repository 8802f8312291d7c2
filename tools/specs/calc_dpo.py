"""``calc_dpo``: days payable outstanding — how long the user's company takes to pay its own suppliers.

DPO = accounts payable ÷ purchases (cost of goods bought on credit) over the period × days. Read from a
message such as "应付账款300万，上季度采购900万，DPO是多少"; "DPO怎么算" explains the formula.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from tools.calculators import dso
from tools.replies import wan
from tools.schemas import Number, Whole
from tools.spec import Calculator, ToolSpec

if TYPE_CHECKING:
    from tools.client import CreditServiceClient

NAMES = re.compile(r"DPO|应付账款周转天数|应付周转天数|付款周转天数|days payable outstanding", re.IGNORECASE)
SLOTS = {
    "payables": r"应付账款|应付款|应付|(?-i:(?<![A-Za-z])AP(?![A-Za-z]))|accounts payable|payables?",
    "purchases": r"采购额|采购|进货|销售成本|营业成本|cost of (?:goods )?sold|COGS|purchases",
}
LABELS = {"payables": "应付账款余额（还没付给供应商的金额）", "purchases": "这段期间的采购额（或销售成本）"}
FORMULA = (
    "DPO（应付账款周转天数）", "DPO = 应付账款 ÷ 采购额 × 天数", "表示平均多少天付清供应商的货款，天数越长占用供应商资金越多",
    "应付账款余额、这段期间的采购额和期间天数（如上季度 = 90天）",
)


class DpoArgs(BaseModel):
    """Arguments of ``calc_dpo``."""

    payables: Number = Field(ge=0, description="Accounts payable outstanding (CNY)")
    purchases: Number = Field(gt=0, description="Purchases (or cost of goods sold) over the period (CNY), greater than 0")
    period_days: Whole = Field(gt=0, le=3650, description="Length of the period in days (90 for a quarter)")


class DpoResult(BaseModel):
    """Result of ``calc_dpo``."""

    dpo_days: float = Field(description="Days payable outstanding, rounded to 0.1 day")


def calc_dpo(client: CreditServiceClient, payables: float, purchases: float, period_days: int) -> dict[str, Any]:
    """Days payable outstanding from typed numbers: DPO = payables / purchases * period_days (days)."""
    return {"dpo_days": dso(payables, purchases, period_days)}  # the same arithmetic, on the payables side


def render(args: dict[str, Any], result: dict[str, Any]) -> str:
    """DPO with its formula written out."""
    days = result["dpo_days"]
    return (
        f"DPO（应付账款周转天数）约为 {days:.1f} 天。\n"
        f"DPO = 应付账款 ÷ 采购额 × 天数 = {wan(args['payables'])} ÷ {wan(args['purchases'])} × "
        f"{args['period_days']} = {days:.1f}天。"
    )


SPEC = ToolSpec(
    "calc_dpo", DpoArgs, calc_dpo, render=render, result_schema=DpoResult,
    readings=lambda args, result: [("DPO", result["dpo_days"], "天")],
    calculator=Calculator(NAMES, SLOTS, LABELS, FORMULA, needs_period=True, priority=10),
)
