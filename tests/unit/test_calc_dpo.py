"""The days-payable calculator, added as one module of tools/specs: registry, langchain tool and chat routing."""

from __future__ import annotations

import httpx

from bot.messages import Caller, Session
from bot.tool_routing import ToolRouter
from tools.client import CreditServiceClient
from tools.intents import detect
from tools.registry import ToolRegistry


def no_service(request: httpx.Request) -> httpx.Response:
    raise AssertionError("a calculator never calls the credit service")


def router() -> ToolRouter:
    return ToolRouter(ToolRegistry(CreditServiceClient("http://service.test", transport=httpx.MockTransport(no_service))))


def session() -> Session:
    return Session(id="dpo", caller=Caller("web", "anonymous", False))


def test_the_registry_and_its_langchain_tool_include_it() -> None:
    registry = router().registry
    tool = next(t for t in registry.structured_tools(frozenset()) if t.name == "calc_dpo")
    assert "payables" in tool.description
    assert tool.invoke({"payables": 2_000_000, "purchases": 6_000_000, "period_days": 90}) == {"dpo_days": 30.0}


def test_typed_numbers_give_the_days_with_the_formula() -> None:
    reply = router().handle("我们应付账款240万，近60天采购了480万，DPO是多少？", session())
    assert reply is not None and reply.tool_calls[0].name == "calc_dpo"
    assert reply.tool_calls[0].args == {"payables": 2_400_000, "purchases": 4_800_000, "period_days": 60}
    assert "30.0 天" in reply.answer and "240万 ÷ 480万 × 60" in reply.answer


def test_missing_values_are_asked_for_and_filled_by_the_next_message() -> None:
    r, s = router(), session()
    first = r.handle("帮我算一下应付账款周转天数，应付账款150万", s)
    assert first is not None and first.status == "clarify" and "采购额" in first.answer
    second = r.handle("采购额450万，一个季度", s)
    assert second is not None and "30.0 天" in second.answer


def test_how_it_is_computed_explains_the_formula_then_takes_the_numbers() -> None:
    r, s = router(), session()
    formula = r.handle("DPO怎么算", s)
    assert formula is not None and "DPO = 应付账款 ÷ 采购额 × 天数" in formula.answer
    result = r.handle("应付100万，采购400万，90天", s)
    assert result is not None and "22.5 天" in result.answer


def test_zero_purchases_are_refused_politely() -> None:
    reply = router().handle("应付账款100万，采购0元，上季度，DPO多少", session())
    assert reply is not None and "没法计算" in reply.answer and reply.tool_calls[0].result["error"] == "invalid_input"


def test_receivable_days_still_go_to_dso() -> None:
    request = detect("应收账款周转天数怎么算")
    assert request is not None and request.args == {"kind": "calc_dso"}


def test_the_credit_service_serves_every_calculator_spec() -> None:
    """The service's /calc routes come from the specs: a calculator module is all it takes to get one."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from tools.service.routes.calc import router

    app = FastAPI()
    app.include_router(router)
    client = TestClient(app)
    assert client.post("/calc/dpo", json={"payables": 3e6, "purchases": 9e6, "period_days": 90}).json() == {"dpo_days": 30.0}
    assert client.post("/calc/dpo", json={"payables": 1e15, "purchases": 1e-300, "period_days": 90}).status_code == 422
    assert {"/calc/dso", "/calc/ratio", "/calc/dpo"} <= set(app.openapi()["paths"])
