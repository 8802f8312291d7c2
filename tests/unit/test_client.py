"""The credit-service client: retries, timeouts and the error tree (httpx.MockTransport)."""

from __future__ import annotations

import httpx
import pytest

from tools.errors import BuyerNotFound, InvalidInput, ServiceUnavailable
from tools.client import CreditServiceClient
from tools.schemas import DsoArgs
from tools.registry import ALL_GRANTS, ToolRegistry

BUYER = {
    "buyer_id": "CN1007", "name": "宁波恒丰化工材料有限公司", "country": "CN", "uscc": "91330200FX9A4UWC0K",
    "industry": "化工", "grade": 5, "status": "active", "credit_limit_cny": 5000000.0, "avg_days_late": 19,
    "updated": "2026-10-31",
}


def client_for(handler) -> CreditServiceClient:  # noqa: ANN001
    return CreditServiceClient("http://service.test", transport=httpx.MockTransport(handler))


def test_one_retry_after_a_server_error() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503) if len(calls) == 1 else httpx.Response(200, json=BUYER)

    assert client_for(handler).get_buyer("CN1007").grade == 5
    assert len(calls) == 2


def test_two_failures_are_service_unavailable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("too slow", request=request)

    with pytest.raises(ServiceUnavailable):
        client_for(handler).search_buyers("华信")


def test_404_is_buyer_not_found_and_422_is_invalid_input() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/buyers/"):
            return httpx.Response(404, json={"detail": "buyer XX not found"})
        return httpx.Response(422, json={"detail": "credit_sales: Input should be greater than 0"})

    client = client_for(handler)
    with pytest.raises(BuyerNotFound, match="not found"):
        client.receivables("XX")
    with pytest.raises(InvalidInput, match="credit_sales"):
        client.calc_dso(DsoArgs(receivables=1, credit_sales=1, period_days=1))


def test_buyer_ids_are_escaped_in_paths() -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path)
        return httpx.Response(404, json={"detail": "nope"})

    with pytest.raises(BuyerNotFound):
        client_for(handler).get_buyer("../healthz")
    assert seen == [b"/buyers/..%2Fhealthz"]


def test_not_json_is_unavailable_and_the_registry_turns_errors_into_results() -> None:
    client = client_for(lambda request: httpx.Response(200, text="<html>"))
    with pytest.raises(ServiceUnavailable):
        client.search_buyers("x")
    registry = ToolRegistry(client)
    assert registry.invoke("buyer_lookup", {"query": "x"}, ALL_GRANTS)["error"] == "service_unavailable"
    dso = registry.invoke("calc_dso", {"receivables": 1, "credit_sales": 0, "period_days": 90}, ALL_GRANTS)
    assert dso == {"error": "invalid_input", "message": "credit_sales: Input should be greater than 0"}
    ratio = registry.invoke("calc_ratio", {"kind": "current_ratio", "current_assets": 1}, ALL_GRANTS)
    assert ratio["error"] == "invalid_input" and "current_liabilities" in ratio["message"]


def test_unexpected_answer_shape_is_unavailable() -> None:
    client = client_for(lambda request: httpx.Response(200, json={"grade": "very good"}))
    with pytest.raises(ServiceUnavailable):
        client.get_buyer("CN1007")
    with pytest.raises(ServiceUnavailable):
        client.search_buyers("华信")
