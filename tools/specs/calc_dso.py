"""``calc_dso``: days sales outstanding from typed numbers, and how a chat message names its inputs."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tools.formulas import compute_dso
from tools.spec import Calculator, ToolSpec
from tools.replies import FORMULAS, SLOT_LABELS, dso_answer
from tools.schemas import DsoArgs, DsoResult

if TYPE_CHECKING:
    from tools.client import CreditServiceClient

NAMES = re.compile(r"DSO|应收账款周转天数|应收周转天数|周转天数|回款天数|days sales outstanding", re.IGNORECASE)
SLOTS = {
    "receivables": r"应收账款|应收款|应收|(?-i:(?<![A-Za-z])AR(?![A-Za-z]))|accounts receivable|receivables?|未收回|没收回|欠款|挂着",
    "credit_sales": r"赊销额|赊销|赊出去|赊出|赊账|销售额|销售|营收|营业额|credit sales|sales|revenue|turnover",
}


def calc_dso(client: CreditServiceClient, receivables: float, credit_sales: float, period_days: int) -> dict[str, Any]:
    """Days sales outstanding from typed numbers: DSO = receivables / credit_sales * period_days (days)."""
    return compute_dso(DsoArgs(receivables=receivables, credit_sales=credit_sales, period_days=period_days)).model_dump()


SPEC = ToolSpec(
    "calc_dso", DsoArgs, calc_dso, render=dso_answer, result_schema=DsoResult,
    readings=lambda args, result: [("DSO", result["dso_days"], "天")],
    calculator=Calculator(NAMES, SLOTS, SLOT_LABELS, FORMULAS["calc_dso"], needs_period=True, priority=90),
)
