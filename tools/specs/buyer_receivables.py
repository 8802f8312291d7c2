"""``buyer_receivables``: a buyer's ledger at a date (authorised users only)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from tools.spec import BUYER_DATA, ToolSpec
from tools.schemas import BuyerReceivablesArgs

if TYPE_CHECKING:
    from tools.client import CreditServiceClient


def buyer_receivables(
    client: CreditServiceClient, buyer_id: str, as_of: date | None = None, period_days: int = 90
) -> dict[str, Any]:
    """A buyer's ledger at a date: AR outstanding, credit sales over the period, DSO, overdue amount
    and ratio, ageing buckets (current, 1-30, 31-60, 61-90, 90+ days past due)."""
    return client.receivables(buyer_id, as_of=as_of, period_days=period_days).model_dump(mode="json")


def readings(args: dict[str, Any], result: dict[str, Any]) -> list[tuple[str, float, str]]:
    """The ledger's overdue share and DSO as the articles name them (in the units the answer shows)."""
    out: list[tuple[str, float, str]] = []
    if result.get("overdue_ratio") is not None:
        out.append(("逾期率", round(result["overdue_ratio"] * 100, 1), "%"))
    if result.get("dso_days") is not None:
        out.append(("DSO", result["dso_days"], "天"))
    return out


SPEC = ToolSpec("buyer_receivables", BuyerReceivablesArgs, buyer_receivables, permission=BUYER_DATA,
                readings=readings)
