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


SPEC = ToolSpec("buyer_receivables", BuyerReceivablesArgs, buyer_receivables, permission=BUYER_DATA)
