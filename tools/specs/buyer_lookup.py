"""``buyer_lookup``: find buyers by id, USCC or (part of) the company name (authorised users only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tools.spec import BUYER_DATA, ToolSpec
from tools.replies import buyer_answer
from tools.schemas import BuyerLookupArgs

if TYPE_CHECKING:
    from tools.client import CreditServiceClient


def lookup_buyer(client: CreditServiceClient, query: str) -> dict[str, Any]:
    """Find buyers by id, USCC or (part of) the company name, also typed with a slip, a homophone or in pinyin;
    gives grade 1 (lowest risk) to 10 (in default), status, recommended credit limit and average days late of
    each match, best first."""
    return {"matches": [m.model_dump(mode="json") for m in client.search_buyers(query)]}


def render(args: dict[str, Any], result: dict[str, Any]) -> str:
    """The best match's record."""
    return buyer_answer(result["matches"][0])


SPEC = ToolSpec("buyer_lookup", BuyerLookupArgs, lookup_buyer, permission=BUYER_DATA, render=render)
