"""``/buyers``: search, records and receivables."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from tools.schemas import Buyer, BuyerMatch, ErrorBody, Receivables
from tools.service import crud
from tools.service.db import BuyerRow
from tools.service.deps import SessionDep

router = APIRouter(prefix="/buyers", tags=["buyers"])


def to_buyer(row: BuyerRow) -> dict:
    """The CSV-shaped record of a buyer row (credit limit back in CNY)."""
    return {
        "buyer_id": row.buyer_id, "name": row.name, "country": row.country, "uscc": row.uscc or "",
        "industry": row.industry, "grade": row.grade, "status": row.status,
        "credit_limit_cny": round(row.credit_limit_cents / 100, 2), "avg_days_late": row.avg_days_late,
        "updated": row.updated,
    }


@router.get("/search", response_model=list[BuyerMatch])
def search(session: SessionDep, q: Annotated[str, Query(max_length=200)] = "") -> list[dict]:
    """Buyers whose id, USCC or name matches ``q`` (partial Chinese names too), best first; may be empty."""
    return [{**to_buyer(row), "score": score} for row, score in crud.search_buyers(session=session, query=q)]


@router.get("/{buyer_id}", response_model=Buyer, responses={404: {"model": ErrorBody}})
def read_buyer(session: SessionDep, buyer_id: str) -> dict:
    """The buyer's record: every column of buyers.csv."""
    row = crud.get_buyer(session=session, buyer_id=buyer_id)
    if row is None:
        raise HTTPException(status_code=404, detail=f"buyer {buyer_id} not found")
    return to_buyer(row)


@router.get("/{buyer_id}/receivables", response_model=Receivables, responses={404: {"model": ErrorBody}})
def read_receivables(
    session: SessionDep,
    buyer_id: str,
    as_of: Annotated[date | None, Query(description="YYYY-MM-DD; default today")] = None,
    period_days: Annotated[int, Query(gt=0, le=3650, description="credit-sales period; default 90")] = 90,
) -> dict:
    """AR outstanding, credit sales, DSO, overdue amount and ageing at ``as_of`` (CONTRACT formulas)."""
    row = crud.get_buyer(session=session, buyer_id=buyer_id)
    if row is None:
        raise HTTPException(status_code=404, detail=f"buyer {buyer_id} not found")
    result = crud.buyer_ledger(
        session=session, buyer_id=row.buyer_id, as_of=as_of or date.today(), period_days=period_days
    )
    return {"buyer_id": row.buyer_id, **result.__dict__}
