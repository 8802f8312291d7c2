"""The single description of each tool: pydantic models shared by the credit service and the bot.

The service uses them as request bodies and ``response_model`` types; :mod:`tools.toolkit` wraps the
same ``*Args`` models as langchain ``args_schema``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

def _not_bool(value: Any) -> Any:
    """JSON ``true``/``false`` are not numbers (pydantic would read them as 1/0)."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    return value


MAX_AMOUNT = 1e15  # 1,000万亿 CNY: beyond any ledger; larger inputs are typing errors, not figures
Number = Annotated[float, BeforeValidator(_not_bool), Field(allow_inf_nan=False, le=MAX_AMOUNT)]
"""A finite number typed by a user or a client, at most :data:`MAX_AMOUNT`: no booleans, infinities or NaN."""
Whole = Annotated[int, BeforeValidator(_not_bool)]
"""A whole number (days) typed by a user or a client: no booleans."""

BuyerStatus = Literal["active", "watch", "insolvent"]
RatioKind = Literal["overdue_ratio", "current_ratio", "working_capital_ratio", "discount_cost"]


class Buyer(BaseModel):
    """A buyer's record: every column of ``buyers.csv``."""

    model_config = ConfigDict(from_attributes=True)

    buyer_id: str
    name: str
    country: str
    uscc: str = Field("", description="18-character unified social credit code; empty for foreign buyers")
    industry: str
    grade: int = Field(ge=1, le=10, description="1 (lowest risk) ... 10 (in default)")
    status: BuyerStatus
    credit_limit_cny: float = Field(ge=0, description="Recommended credit limit in CNY")
    avg_days_late: int = Field(ge=0, description="Average days the buyer pays after the due date")
    updated: date


class BuyerName(BaseModel):
    """One entry of the buyer directory (``GET /buyers``): what a name in a chat message is matched against."""

    model_config = ConfigDict(from_attributes=True)

    buyer_id: str
    name: str
    uscc: str = ""


class BuyerMatch(Buyer):
    """A search hit, with how well it matched (higher is better)."""

    score: float


class AgingBuckets(BaseModel):
    """Outstanding amounts by days past due (CNY)."""

    current: float
    d1_30: float
    d31_60: float
    d61_90: float
    d90_plus: float


class Receivables(BaseModel):
    """A buyer's receivables at ``as_of`` over ``period_days`` (CONTRACT formulas)."""

    buyer_id: str
    as_of: date
    period_days: int
    ar_outstanding: float
    credit_sales: float
    dso_days: float | None = Field(description="null when there were no credit sales in the period")
    overdue_cny: float
    overdue_ratio: float | None = Field(description="overdue / AR; null when AR is 0")
    aging: AgingBuckets


class BuyerLookupArgs(BaseModel):
    """Arguments of ``buyer_lookup``."""

    query: str = Field(min_length=1, max_length=200, description="Buyer id, USCC, or (part of) the company name")


class BuyerReceivablesArgs(BaseModel):
    """Arguments of ``buyer_receivables``."""

    buyer_id: str = Field(min_length=1, max_length=64, description="Buyer id such as CN1007")
    as_of: date | None = Field(None, description="Date of the figures; default today")
    period_days: int = Field(90, gt=0, le=3650, description="Credit-sales period in days; default 90")


class DsoArgs(BaseModel):
    """Arguments of ``calc_dso`` (also the body of ``POST /calc/dso``)."""

    receivables: Number = Field(ge=0, description="Accounts receivable outstanding (CNY)")
    credit_sales: Number = Field(gt=0, description="Credit sales over the period (CNY), greater than 0")
    period_days: Whole = Field(gt=0, le=3650, description="Length of the period in days (90 for a quarter)")


class DsoResult(BaseModel):
    """Answer of ``POST /calc/dso``."""

    dso_days: float
    formula: str


class RatioArgs(BaseModel):
    """Arguments of ``calc_ratio`` (also the body of ``POST /calc/ratio``); which fields depends on ``kind``."""

    kind: RatioKind = Field(description="overdue_ratio | current_ratio | working_capital_ratio | discount_cost")
    overdue: Number | None = Field(None, ge=0, description="overdue_ratio: past-due receivables")
    receivables: Number | None = Field(None, ge=0, description="overdue_ratio: all receivables")
    current_assets: Number | None = Field(None, ge=0, description="current / working-capital ratio")
    current_liabilities: Number | None = Field(None, ge=0, description="current / working-capital ratio")
    total_assets: Number | None = Field(None, ge=0, description="working_capital_ratio: total assets")
    discount_pct: Number | None = Field(None, gt=0, lt=100, description="discount_cost: e.g. 2 in 2/10 Net 30")
    discount_days: Whole | None = Field(None, ge=0, description="discount_cost: e.g. 10 in 2/10 Net 30")
    net_days: Whole | None = Field(None, gt=0, description="discount_cost: e.g. 30 in 2/10 Net 30")
    basis_days: Literal[360, 365] = Field(365, description="discount_cost: days in the year it is annualised over")

    @model_validator(mode="after")
    def _has_inputs(self) -> RatioArgs:
        """Every input the chosen ratio needs is present."""
        missing = [name for name in RATIO_INPUTS[self.kind] if getattr(self, name) is None]
        if missing:
            raise ValueError(f"{self.kind} needs {', '.join(missing)}")
        return self


RATIO_INPUTS: dict[str, tuple[str, ...]] = {
    "overdue_ratio": ("overdue", "receivables"),
    "current_ratio": ("current_assets", "current_liabilities"),
    "working_capital_ratio": ("current_assets", "current_liabilities", "total_assets"),
    "discount_cost": ("discount_pct", "discount_days", "net_days"),
}


class RatioResult(BaseModel):
    """Answer of ``POST /calc/ratio``: the value, and for discount_cost the compound rate too."""

    kind: RatioKind
    value: float
    compound: float | None = None
    formula: str


class ErrorBody(BaseModel):
    """Every error the service answers."""

    detail: str
