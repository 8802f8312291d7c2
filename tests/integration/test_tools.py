"""The tools and the router against the real credit service on loopback (sample fixtures)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest

from bot.config import Settings
from bot.tool_routing import ToolRouter, build_tool_router
from tools.errors import BuyerNotFound, InvalidInput, ServiceUnavailable
from tests.integration.credit_service import cli_session as session, running_service, sample_database, sample_router
from tools.client import CreditServiceClient
from tools.schemas import DsoArgs
from tests.support import IN_CI, SHARED
from tools.registry import ALL_GRANTS, ToolRegistry
from tools.toolkit import build_tools

pytestmark = pytest.mark.integration
EVAL = SHARED / "eval" / "public.jsonl"


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return sample_database(tmp_path_factory.mktemp("tools"))


@pytest.fixture(scope="module")
def base_url(database_url: str) -> Iterator[str]:
    with running_service(database_url) as (base, _server):
        yield base


@pytest.fixture
def router(base_url: str) -> ToolRouter:
    return sample_router(base_url)


def test_client_maps_errors(base_url: str) -> None:
    client = CreditServiceClient(base_url)
    assert client.get_buyer("CN1007").name == "宁波恒丰化工材料有限公司"
    with pytest.raises(BuyerNotFound):
        client.get_buyer("XX0000")
    with pytest.raises(InvalidInput):
        client.calc_dso(DsoArgs.model_construct(receivables=1, credit_sales=0, period_days=90))
    assert client.calc_dso(DsoArgs(receivables=1_200_000, credit_sales=3_000_000, period_days=60)).dso_days == 24.0


def test_langchain_tools_call_the_service(base_url: str) -> None:
    tools = {t.name: t for t in build_tools(ToolRegistry(CreditServiceClient(base_url)), ALL_GRANTS)}
    assert {"buyer_lookup", "buyer_receivables", "calc_dso", "calc_ratio"} <= set(tools)
    assert tools["buyer_lookup"].invoke({"query": "华信"})["matches"][0]["buyer_id"] == "CN1049"
    ledger = tools["buyer_receivables"].invoke({"buyer_id": "CN1007", "as_of": "2026-10-31", "period_days": 90})
    assert ledger["dso_days"] == 76.3
    assert tools["buyer_receivables"].invoke({"buyer_id": "XX0000"})["error"] == "not_found"
    assert "grade" in tools["buyer_lookup"].description


def test_langchain_tools_refuse_buyer_data_without_the_grant(base_url: str) -> None:
    tools = {t.name: t for t in build_tools(ToolRegistry(CreditServiceClient(base_url)))}
    assert tools["buyer_lookup"].invoke({"query": "华信"})["error"] == "forbidden"
    assert tools["calc_dso"].invoke({"receivables": 1, "credit_sales": 2, "period_days": 90})["dso_days"] == 45.0


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("华信的信用评分", ["佛山华信金属材料有限公司", "9/10", "观察名单", "平均逾期44天"]),
        ("查一下买家 CN1007", ["宁波恒丰化工材料有限公司", "5/10", "500万元"]),
        ("CN1007 的DSO和账龄", ["1,463,772.21元", "76.3天", "未到期 703,768.63元"]),
        ("宁波恒丰现在逾期多少", ["逾期金额760,003.58元", "51.9%"]),  # the figure asked, first
        ("青岛盛达的信用等级", ["10/10", "破产", "⚠"]),
        ("saigon textile credit score", ["Saigon Textile Trading Co., Ltd.", "4/10"]),
    ],
)
def test_buyer_questions(router: ToolRouter, question: str, expected: list[str]) -> None:
    reply = router.handle(question, session())
    assert reply is not None and reply.status == "answered"
    for text in expected:
        assert text in reply.answer


def test_several_matches_give_a_list_to_choose_from(router: ToolRouter) -> None:
    s = session()
    reply = router.handle("苏州 信用评分", s)
    assert reply.status == "clarify" and "CN1000" in reply.answer and "CN1056" in reply.answer
    chosen = router.handle(str(s.state["pending"]["options"].index("CN1000") + 1), s)
    assert "苏州鑫达精密机械有限公司" in chosen.answer and "pending" not in s.state
    assert s.state["buyer"]["buyer_id"] == "CN1000"  # the chosen buyer answers the follow-ups


@pytest.mark.skipif(not EVAL.exists() and not IN_CI, reason="../shared/eval is not next to the repository")
def test_public_eval_tool_cases_pass(router: ToolRouter) -> None:
    cases = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    cases = [c for c in cases if c["category"] in ("dso_tool", "ratio_tool", "buyer_lookup")]
    assert len(cases) >= 5
    for case in cases:
        s = session()
        reply = None
        for message in case.get("turns") or [case["question"]]:
            reply = router.handle(message, s)
        assert reply is not None, case["id"]
        assert all(t in reply.answer for t in case["expect_all"]), (case["id"], reply.answer)
        assert not case["expect_any"] or any(t in reply.answer for t in case["expect_any"]), (case["id"], reply.answer)
        assert not any(t in reply.answer for t in case["must_not"]), case["id"]
        if case["category"] == "buyer_lookup":
            assert "信用等级" not in reply.answer  # no invented score


def test_service_stopped_mid_run_gives_polite_unavailable(database_url: str) -> None:
    with running_service(database_url) as (base, server):
        router = ToolRouter(ToolRegistry(CreditServiceClient(base, timeout_s=2)))
        assert "CN1049" in router.handle("华信的信用评分", session()).answer
    # the with-block has stopped the server
    reply = router.handle("华信的信用评分", session())
    assert reply.answer == "查询服务暂时不可用，请稍后再试。"
    assert reply.tool_calls[0].result["error"] == "service_unavailable"
    # calculators keep working without the service
    assert "24.0天" in router.handle("过去60天赊销300万，应收120万，DSO多少", session()).answer
    with pytest.raises(ServiceUnavailable):
        CreditServiceClient(base, timeout_s=1).search_buyers("华信")


def test_build_tool_router_uses_service_url(base_url: str) -> None:
    router = build_tool_router(Settings(_env_file=None, service_url=base_url))
    assert "CN1007" in router.handle("查一下买家 CN1007", session()).answer


def test_ledger_question_with_date_and_period(router: ToolRouter, base_url: str) -> None:
    expected = CreditServiceClient(base_url).receivables("CN1007", as_of=date(2026, 9, 30), period_days=60)
    reply = router.handle("宁波恒丰 截至2026-09-30 过去60天的DSO", session())
    assert reply is not None and reply.tool_calls[-1].args == {"buyer_id": "CN1007", "as_of": "2026-09-30",
                                                                 "period_days": 60}
    assert f"{expected.dso_days:.1f}天" in reply.answer and "截至 2026-09-30" in reply.answer
