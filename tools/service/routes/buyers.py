"""``/buyers``: search, records and receivables."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from tools.schemas import Buyer, BuyerMatch, BuyerName, Receivables
from tools.service import crud
from tools.service.db import BuyerRow
from tools.service.deps import SessionDep
from tools.service.errors import INVALID, NOT_FOUND

router = APIRouter(prefix="/buyers", tags=["buyers"])

EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)  # ledgers live in between; the window arithmetic too
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
DIRECTORY_PAGE = 5000


def to_buyer(row: BuyerRow) -> dict:
    """The CSV-shaped record of a buyer row (credit limit back in CNY)."""
    return {
        "buyer_id": row.buyer_id, "name": row.name, "country": row.country, "uscc": row.uscc or "",
        "industry": row.industry, "grade": row.grade, "status": row.status,
        "credit_limit_cny": round(row.credit_limit_cents / 100, 2), "avg_days_late": row.avg_days_late,
        "updated": row.updated,
    }


def _plain(text: str, name: str) -> str:
    """Text a database can compare: no NUL characters (PostgreSQL refuses them)."""
    if "\x00" in text:
        raise HTTPException(status_code=422, detail=f"{name} must not contain NUL characters")
    return text


def _as_of(text: str | None) -> date:
    """The ``as_of`` date: today when absent; 422 when it is no date or outside 1900-2999."""
    if text is None:
        return date.today()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise HTTPException(status_code=422, detail=f"as_of: {text!r} is not a date (YYYY-MM-DD)") from None
    if not EARLIEST <= day <= LATEST:
        raise HTTPException(status_code=422, detail=f"as_of must be between {EARLIEST} and {LATEST}")
    return day


@router.get("", response_model=list[BuyerName], responses=INVALID)
def directory(
    session: SessionDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(gt=0, le=DIRECTORY_PAGE)] = DIRECTORY_PAGE,
) -> list[dict]:
    """The buyer directory, a page at a time by id: id, name and USCC of each buyer (what chat names match)."""
    rows = crud.list_buyers(session=session, offset=offset, limit=limit)
    return [{"buyer_id": r.buyer_id, "name": r.name, "uscc": r.uscc or ""} for r in rows]


@router.get("/search", response_model=list[BuyerMatch], responses=INVALID)
def search(session: SessionDep, q: Annotated[str, Query(max_length=200)] = "") -> list[dict]:
    """Buyers whose id, USCC or name matches ``q`` (partial Chinese names too), best first; may be empty."""
    query = _plain(q, "q")
    return [{**to_buyer(row), "score": score} for row, score in crud.search_buyers(session=session, query=query)]


@router.get("/{buyer_id}", response_model=Buyer, responses={**NOT_FOUND, **INVALID})
def read_buyer(session: SessionDep, buyer_id: str) -> dict:
    """The buyer's record: every column of buyers.csv."""
    row = crud.get_buyer(session=session, buyer_id=_plain(buyer_id, "buyer_id"))
    if row is None:
        raise HTTPException(status_code=404, detail=f"buyer {buyer_id} not found")
    return to_buyer(row)


@router.get("/{buyer_id}/receivables", response_model=Receivables, responses={**NOT_FOUND, **INVALID})
def read_receivables(
    session: SessionDep,
    buyer_id: str,
    as_of: Annotated[str | None, Query(pattern=ISO_DATE, description="YYYY-MM-DD (1900-2999); default today")] = None,
    period_days: Annotated[int, Query(gt=0, le=3650, description="credit-sales period; default 90")] = 90,
) -> dict:
    """AR outstanding, credit sales, DSO, overdue amount and ageing at ``as_of`` (CONTRACT formulas)."""
    day = _as_of(as_of)
    row = crud.get_buyer(session=session, buyer_id=_plain(buyer_id, "buyer_id"))
    if row is None:
        raise HTTPException(status_code=404, detail=f"buyer {buyer_id} not found")
    result = crud.buyer_ledger(session=session, buyer_id=row.buyer_id, as_of=day, period_days=period_days)
    return {"buyer_id": row.buyer_id, **result.__dict__}
