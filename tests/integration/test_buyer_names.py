"""Buyer names typed loosely, several buyers, and follow-ups, against the real credit service on loopback.

The service holds the sample buyers (tools/service/samples); messages are our own wording.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.tool_routing import ToolRouter
from tests.integration.credit_service import cli_session as session, sample_router, sample_service
from tools.client import CreditServiceClient

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with sample_service(tmp_path_factory.mktemp("names")) as base:
        yield base


@pytest.fixture
def router(base_url: str) -> ToolRouter:
    return sample_router(base_url)


def test_the_directory_pages_through_every_buyer(base_url: str) -> None:
    names = CreditServiceClient(base_url).directory(page=5)
    assert len(names) == 16 and [n.buyer_id for n in names] == sorted(n.buyer_id for n in names)
    assert {n.uscc for n in names if n.buyer_id.startswith("CN")} and all(n.name for n in names)


@pytest.mark.parametrize(
    ("message", "texts"),
    [
        ("hengfeng 的授信有多少", ["CN1007", "建议信用限额为500万元"]),  # pinyin, the limit first
        ("瑞通化工材料 一般拖几天付款", ["CN1063", "平均逾期18天付款"]),
        ("中連日用品現在什麼狀態", ["CN1035", "正常經營"]),  # Traditional script, answered in it
        ("pt jaya-abadi rating?", ["ID2022", "6/10"]),
        ("宏远和金桥 谁风险大", ["CN1014", "CN1070", "风险最高"]),  # two buyers compared
    ],
)
def test_loosely_typed_names_reach_the_buyer(router: ToolRouter, message: str, texts: list[str]) -> None:
    reply = router.handle(message, session())
    assert reply is not None and reply.status == "answered", reply and reply.answer
    for text in texts:
        assert text in reply.answer, reply.answer


def test_a_follow_up_uses_the_buyer_just_looked_up(router: ToolRouter) -> None:
    s = session()
    assert "CN1021" in router.handle("帮我查查海纳纺织品", s).answer
    ledger = router.handle("那他们截至2026-08-15欠多少", s)
    assert ledger is not None and [c.name for c in ledger.tool_calls] == ["buyer_lookup", "buyer_receivables"]
    assert ledger.tool_calls[1].args == {"buyer_id": "CN1021", "as_of": "2026-08-15", "period_days": 90}
    verdict = router.handle("下个月还能给他们放账吗", s)
    assert verdict is not None and verdict.answer.startswith("可以在限额内继续赊销") and "300万元" in verdict.answer


def test_an_insolvent_buyer_gets_a_plain_no(router: ToolRouter) -> None:
    reply = router.handle("盛达那边 还可以发货记账吗", session())
    assert reply is not None and reply.answer.startswith("不能再赊销") and "破产" in reply.answer


def test_unknown_companies_and_knowledge_questions(router: ToolRouter) -> None:
    unknown = router.handle("查一下 温州某某鞋业有限公司", session())
    assert unknown is not None and "未找到" in unknown.answer and "全称" in unknown.answer
    for message in ("客户拖欠货款超过半年怎么处理", "买家破产以后保单还赔吗", "信用限额一般怎么定"):
        assert router.handle(message, session()) is None, message


def test_search_finds_a_homophone_or_pinyin_but_not_another_company_of_that_trade_name(base_url: str) -> None:
    client = CreditServiceClient(base_url)
    assert [m.buyer_id for m in client.search_buyers("宏源电子")] == ["CN1014"]
    assert [m.buyer_id for m in client.search_buyers("hongyuan")] == ["CN1014"]
    exact = client.search_buyers("宁波恒丰")[0]
    assert exact.buyer_id == "CN1007" and exact.score > client.search_buyers("宏源电子")[0].score
    assert client.search_buyers("华信证券") == []
