"""The four tools as plain functions returning JSON-able results, and their langchain wrappers.

Every function returns a dict; a failure is an error result ``{"error": kind, "message": ...}``
(kinds: ``service_unavailable``, ``not_found``, ``invalid_input``) that the bot turns into a polite
sentence. Nothing here raises for a failed call, and nothing invents a figure.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from tools.errors import BuyerNotFound, InvalidInput, ServiceUnavailable
from tools.calculators import CalculationError
from tools.client import CreditServiceClient
from tools.formulas import compute_dso, compute_ratio
from tools.schemas import BuyerLookupArgs, BuyerReceivablesArgs, DsoArgs, RatioArgs

if TYPE_CHECKING:
    from langchain_core.tools import StructuredTool

logger = logging.getLogger(__name__)


def _error(kind: str, message: str) -> dict[str, Any]:
    return {"error": kind, "message": message}


class Toolkit:
    """The credit tools bound to one service client."""

    def __init__(self, client: CreditServiceClient) -> None:
        self.client = client

    def buyer_lookup(self, query: str) -> dict[str, Any]:
        """Find buyers by id, USCC or (part of) the company name; gives grade 1 (lowest risk) to 10 (in default),
        status, recommended credit limit and average days late of each match, best first."""
        try:
            args = BuyerLookupArgs(query=query)
            matches = self.client.search_buyers(args.query)
        except ValidationError as e:
            return _error("invalid_input", str(e.errors()[0]["msg"]))
        except ServiceUnavailable as e:
            return _error("service_unavailable", str(e))
        except InvalidInput as e:
            return _error("invalid_input", str(e))
        return {"matches": [m.model_dump(mode="json") for m in matches]}

    def buyer_receivables(self, buyer_id: str, as_of: date | None = None, period_days: int = 90) -> dict[str, Any]:
        """A buyer's ledger at a date: AR outstanding, credit sales over the period, DSO, overdue amount
        and ratio, ageing buckets (current, 1-30, 31-60, 61-90, 90+ days past due)."""
        try:
            args = BuyerReceivablesArgs(buyer_id=buyer_id, as_of=as_of, period_days=period_days)
            result = self.client.receivables(args.buyer_id, as_of=args.as_of, period_days=args.period_days)
        except ValidationError as e:
            return _error("invalid_input", str(e.errors()[0]["msg"]))
        except BuyerNotFound as e:
            return _error("not_found", str(e))
        except ServiceUnavailable as e:
            return _error("service_unavailable", str(e))
        except InvalidInput as e:
            return _error("invalid_input", str(e))
        return result.model_dump(mode="json")

    def calc_dso(self, receivables: float, credit_sales: float, period_days: int) -> dict[str, Any]:
        """Days sales outstanding from typed numbers: DSO = receivables / credit_sales * period_days (days)."""
        try:
            return compute_dso(DsoArgs(receivables=receivables, credit_sales=credit_sales,
                                       period_days=period_days)).model_dump()
        except ValidationError as e:
            return _error("invalid_input", "; ".join(f"{err['loc'][0]}: {err['msg']}" for err in e.errors()))
        except CalculationError as e:
            return _error("invalid_input", str(e))

    def calc_ratio(self, **kwargs: Any) -> dict[str, Any]:
        """Credit ratios: overdue_ratio (overdue / receivables), current_ratio (current assets / current
        liabilities), working_capital_ratio ((current assets - current liabilities) / total assets), and
        discount_cost: the annualised cost of not taking an early-payment discount such as 2/10 Net 30."""
        try:
            return compute_ratio(RatioArgs(**kwargs)).model_dump()
        except ValidationError as e:
            return _error("invalid_input", "; ".join(str(err["msg"]) for err in e.errors()))
        except CalculationError as e:
            return _error("invalid_input", str(e))


def build_tools(toolkit: Toolkit) -> list[StructuredTool]:
    """The tools as langchain ``StructuredTool`` objects (schemas from :mod:`tools.schemas`, docstring = description)."""
    from langchain_core.tools import StructuredTool

    specs = [
        ("buyer_lookup", toolkit.buyer_lookup, BuyerLookupArgs),
        ("buyer_receivables", toolkit.buyer_receivables, BuyerReceivablesArgs),
        ("calc_dso", toolkit.calc_dso, DsoArgs),
        ("calc_ratio", toolkit.calc_ratio, RatioArgs),
    ]
    return [
        StructuredTool.from_function(func=func, name=name, description=" ".join(func.__doc__.split()),
                                     args_schema=schema, handle_validation_error=True)
        for name, func, schema in specs
    ]
