"""The credit service under hostile input and without its token (issue 10, items 5, 7 and 11)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import jsonschema
import pytest

from tools.errors import InvalidInput
from tests.integration.credit_service import sample_service
from tools.client import CreditServiceClient

pytestmark = pytest.mark.integration
TOKEN = "service-token-for-tests"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with sample_service(tmp_path_factory.mktemp("svc-hard"), TOKEN) as base:
        yield base


@pytest.fixture
def http(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=10, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client


# --- item 11: a bearer token on everything but /healthz -----------------------------------------------

@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}])
@pytest.mark.parametrize("path", ["/buyers/search?q=华信", "/buyers/CN1007", "/buyers/CN1007/receivables"])
def test_every_route_but_healthz_requires_the_token(base_url: str, path: str, headers: dict[str, str]) -> None:
    response = httpx.get(f"{base_url}{path}", headers=headers)
    assert response.status_code == 401 and response.json() == {"detail": "missing or wrong bearer token"}
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert httpx.post(f"{base_url}/calc/dso", json={"receivables": 1, "credit_sales": 1, "period_days": 1},
                      headers=headers).status_code == 401
    assert httpx.get(f"{base_url}/healthz").status_code == 200


def test_client_sends_the_token(base_url: str) -> None:
    assert CreditServiceClient(base_url, token=TOKEN).get_buyer("CN1049").grade == 9
    assert CreditServiceClient(base_url, token=TOKEN).search_buyers("宁波恒丰")[0].buyer_id == "CN1007"


# --- items 5 and 7: bad numbers and dates are 422 with a reason, bodies as documented -----------------

def _schema_of(http: httpx.Client, path: str, method: str, status: str) -> dict:
    spec = http.get("/openapi.json").json()
    schema = spec["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
    return {**schema, "components": spec["components"]}


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "reason"),
    [
        ("get", "/buyers/{id}/receivables", {"params": {"as_of": "0001-01-01"}}, "as_of must be between"),
        ("get", "/buyers/{id}/receivables", {"params": {"as_of": "9999-12-31"}}, "as_of must be between"),
        ("get", "/buyers/{id}/receivables", {"params": {"as_of": "0.0"}}, "as_of"),
        ("get", "/buyers/{id}/receivables", {"params": {"as_of": "2026-02-30"}}, "not a date"),
        ("post", "/calc/dso", {"json": {"receivables": False, "credit_sales": 1, "period_days": 90}}, "true/false"),
        ("post", "/calc/dso", {"json": {"receivables": 1e308, "credit_sales": 1e-300, "period_days": 90}},
         "less than or equal"),
        ("post", "/calc/dso", {"json": {"receivables": 1e15, "credit_sales": 1e-300, "period_days": 90}},
         "too large"),
        ("post", "/calc/dso", {"json": {"receivables": 1, "credit_sales": 1, "period_days": True}}, "true/false"),
        ("post", "/calc/ratio", {"json": {"kind": "discount_cost", "discount_pct": 99, "discount_days": 0,
                                          "net_days": 1}}, "too large"),
        ("post", "/calc/ratio", {"json": {"kind": "current_ratio", "current_assets": 1e15,
                                          "current_liabilities": 1e-300}}, "too large"),
        ("post", "/calc/ratio", {"json": {"kind": "working_capital_ratio", "current_assets": 1e15,
                                          "current_liabilities": 0, "total_assets": 1e-300}}, "too large"),
        ("get", "/buyers/search", {"params": {"q": "华\x00信"}}, "NUL"),
    ],
)
def test_bad_input_is_422_with_a_reason_matching_the_openapi_schema(
    http: httpx.Client, method: str, path: str, kwargs: dict, reason: str
) -> None:
    response = http.request(method.upper(), path.replace("{id}", "CN1007"), **kwargs)
    assert response.status_code == 422, response.text
    body = response.json()
    assert reason in body["detail"]
    documented = path.replace("{id}", "{buyer_id}")
    jsonschema.validate(body, _schema_of(http, documented, method, "422"))


@pytest.mark.parametrize("literal", ["Infinity", "-Infinity", "NaN"])
def test_infinities_in_a_body_are_refused(http: httpx.Client, literal: str) -> None:
    body = f'{{"receivables": {literal}, "credit_sales": 1, "period_days": 90}}'.encode()
    response = http.post("/calc/dso", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and response.json()["detail"].startswith("receivables:")


def test_chat_tools_refuse_an_absurd_dso_instead_of_printing_it(tmp_path: Path) -> None:
    from bot.messages import Caller, Session
    from bot.tool_routing import ToolRouter
    from tools.toolkit import Toolkit

    router = ToolRouter(Toolkit(CreditServiceClient("http://127.0.0.1:9")))
    reply = router.handle("应收账款9000000亿亿元，赊销额1元，期间90天，DSO是多少", Session("s", Caller()))
    assert reply is not None and "约为" not in reply.answer and "过大或过小" in reply.answer


def test_client_maps_422_of_an_out_of_range_date(base_url: str) -> None:
    with pytest.raises(InvalidInput, match="as_of"):
        CreditServiceClient(base_url, token=TOKEN).receivables("CN1007", as_of=date(1, 1, 1))


def test_ledger_question_for_an_impossible_date_gets_a_chinese_reason_not_an_outage(base_url: str) -> None:
    """Item 5: the service's OverflowError used to surface in chat as "查询服务暂时不可用"."""
    from bot.messages import Caller, Session
    from bot.tool_routing import ToolRouter
    from tools import replies
    from tools.toolkit import Toolkit

    router = ToolRouter(Toolkit(CreditServiceClient(base_url, token=TOKEN)))
    reply = router.handle("CN1007 在 0001-01-01 的应收账款和账龄", Session("s", Caller(may_lookup_buyers=True)))
    assert reply is not None and reply.answer != replies.UNAVAILABLE and "1900" in reply.answer
