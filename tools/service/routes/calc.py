"""``/calc``: the calculators over HTTP (same schemas as the bot's tools)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from tools.calculators import CalculationError
from tools.formulas import compute_dso, compute_ratio
from tools.schemas import DsoArgs, DsoResult, RatioArgs, RatioResult
from tools.service.errors import INVALID

router = APIRouter(prefix="/calc", tags=["calculators"])


@router.post("/dso", response_model=DsoResult, responses=INVALID)
def calc_dso(body: DsoArgs) -> DsoResult:
    """DSO = receivables / credit_sales * period_days, rounded to 0.1 day."""
    try:
        return compute_dso(body)
    except CalculationError as e:
        raise HTTPException(status_code=422, detail=str(e)) from e


@router.post("/ratio", response_model=RatioResult, responses=INVALID)
def calc_ratio(body: RatioArgs) -> RatioResult:
    """Overdue ratio, current ratio, working-capital ratio or the annualised cost of a discount."""
    try:
        return compute_ratio(body)
    except CalculationError as e:
        raise HTTPException(status_code=422, detail=str(e)) from e
