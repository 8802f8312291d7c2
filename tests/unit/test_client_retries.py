"""Which credit-service answers the client retries (issue 10, item 7), and that it sends the token (item 11)."""

from __future__ import annotations

import httpx
import pytest

from tools.errors import ServiceUnavailable
from tools.client import CreditServiceClient

BUYER = {
    "buyer_id": "CN1007", "name": "宁波恒丰化工材料有限公司", "country": "CN", "uscc": "91330200FX9A4UWC0K",
    "industry": "化工", "grade": 5, "status": "active", "credit_limit_cny": 5000000.0, "avg_days_late": 19,
    "updated": "2026-10-31",
}


def counting_client(status: int, **kwargs: object) -> tuple[CreditServiceClient, list[httpx.Request]]:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(status, json={"detail": "boom"}) if len(calls) == 1 else httpx.Response(200, json=BUYER)

    return CreditServiceClient("http://service.test", transport=httpx.MockTransport(handler), **kwargs), calls


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_and_unavailable_answers_are_retried(status: int) -> None:
    client, calls = counting_client(status)
    assert client.get_buyer("CN1007").grade == 5 and len(calls) == 2


@pytest.mark.parametrize("status", [500, 501])
def test_a_server_error_is_not_retried(status: int) -> None:
    client, calls = counting_client(status)
    with pytest.raises(ServiceUnavailable, match=f"HTTP {status}"):
        client.get_buyer("CN1007")
    assert len(calls) == 1


def test_connection_errors_are_retried() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json=BUYER)

    client = CreditServiceClient("http://service.test", transport=httpx.MockTransport(handler))
    assert client.get_buyer("CN1007").buyer_id == "CN1007" and len(calls) == 2


def test_token_is_sent_and_a_refused_token_is_not_retried() -> None:
    client, calls = counting_client(401, token="tok-1")
    with pytest.raises(ServiceUnavailable, match="token"):
        client.get_buyer("CN1007")
    assert len(calls) == 1 and calls[0].headers["Authorization"] == "Bearer tok-1"
    client, calls = counting_client(503)
    client.get_buyer("CN1007")
    assert "Authorization" not in calls[0].headers
