"""The tool registry: specs found per module, langchain tools built from them, one permission gate."""

from __future__ import annotations

import httpx
import pytest
from langchain_core.tools import StructuredTool

from tools.client import CreditServiceClient
from tools.registry import ALL_GRANTS, BUYER_DATA, EVERYONE, ToolRegistry, load_specs
from tools.schemas import BuyerLookupArgs, DsoArgs

CN1007 = {
    "buyer_id": "CN1007", "name": "宁波恒丰化工材料有限公司", "country": "CN", "uscc": "", "industry": "化工",
    "grade": 5, "status": "active", "credit_limit_cny": 5_000_000.0, "avg_days_late": 12, "updated": "2026-10-31",
    "score": 1.0,
}


def registry_for(handler) -> tuple[ToolRegistry, list[httpx.Request]]:  # noqa: ANN001 - an httpx handler
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    client = CreditServiceClient("http://service.test", transport=httpx.MockTransport(record))
    return ToolRegistry(client), seen


def test_every_module_of_tools_specs_is_a_tool_with_schema_and_description() -> None:
    specs = {s.name: s for s in load_specs()}
    assert {"buyer_lookup", "buyer_receivables", "calc_dso", "calc_ratio"} <= set(specs)
    assert specs["buyer_lookup"].args_schema is BuyerLookupArgs and specs["calc_dso"].args_schema is DsoArgs
    assert specs["buyer_lookup"].permission == BUYER_DATA and specs["calc_dso"].permission == EVERYONE
    assert all(s.description and "\n" not in s.description for s in specs.values())


def test_structured_tools_are_built_from_the_specs() -> None:
    registry, _ = registry_for(lambda r: httpx.Response(200, json=[]))
    tools = registry.structured_tools(ALL_GRANTS)
    assert all(isinstance(t, StructuredTool) for t in tools)
    assert {t.name for t in tools} == set(registry.specs)
    lookup = next(t for t in tools if t.name == "buyer_lookup")
    assert lookup.args_schema is BuyerLookupArgs and lookup.description == registry.specs["buyer_lookup"].description


def test_buyer_tools_without_the_grant_are_refused_before_any_request() -> None:
    registry, seen = registry_for(lambda r: httpx.Response(200, json=[CN1007]))
    assert not registry.allowed("buyer_lookup", frozenset()) and registry.allowed("calc_dso", frozenset())
    refused = registry.invoke("buyer_lookup", {"query": "恒丰"}, frozenset())
    assert refused["error"] == "forbidden" and seen == []
    tool = next(t for t in registry.structured_tools(frozenset()) if t.name == "buyer_receivables")
    assert tool.invoke({"buyer_id": "CN1007"})["error"] == "forbidden" and seen == []
    allowed = registry.invoke("buyer_lookup", {"query": "恒丰"}, ALL_GRANTS)
    assert allowed["matches"][0]["buyer_id"] == "CN1007" and len(seen) == 1


def test_service_errors_become_results() -> None:
    registry, _ = registry_for(lambda r: httpx.Response(404, json={"detail": "buyer XX0000 not found"}))
    assert registry.invoke("buyer_receivables", {"buyer_id": "XX0000"}, ALL_GRANTS) == {
        "error": "not_found", "message": "buyer XX0000 not found"}
    down, _ = registry_for(lambda r: httpx.Response(503))
    assert down.invoke("buyer_lookup", {"query": "华信"}, ALL_GRANTS)["error"] == "service_unavailable"


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("calc_dso", {"receivables": 1, "credit_sales": 0, "period_days": 90}, "credit_sales: Input should be greater than 0"),
        ("calc_dso", {"receivables": -5, "credit_sales": 10, "period_days": 90}, "receivables: Input should be greater"),
        ("calc_ratio", {"kind": "overdue_ratio", "overdue": 1}, "overdue_ratio needs receivables"),
        ("buyer_lookup", {"query": ""}, "query: String should have at least 1 character"),
    ],
)
def test_invalid_inputs_are_refused_with_the_field(name: str, args: dict, message: str) -> None:
    registry, seen = registry_for(lambda r: httpx.Response(200, json=[]))
    result = registry.invoke(name, args, ALL_GRANTS)
    assert result["error"] == "invalid_input" and message in result["message"] and seen == []


def test_an_agent_gets_validation_errors_as_text() -> None:
    registry, _ = registry_for(lambda r: httpx.Response(200, json=[]))
    dso = next(t for t in registry.structured_tools(frozenset()) if t.name == "calc_dso")
    assert dso.invoke({"receivables": 1, "credit_sales": 0, "period_days": 90}).startswith("invalid_input: credit_sales")
    assert dso.invoke({"receivables": 30, "credit_sales": 90, "period_days": 90})["dso_days"] == 30.0
