"""The agent mode: the real ChatOpenAI against a scripted OpenAI-protocol stand-in on loopback, the real
knowledge base as a retriever, and the real credit service behind the langchain tools."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.agent import Agent
from bot.config import Settings
from bot.llm import chat_model
from bot.messages import Caller, Reply, Session, Turn
from knowledge.index import KnowledgeBase
from knowledge.retriever import KnowledgeRetriever
from tests.integration.credit_service import sample_service
from tests.llm_standin import Script, Step, call, running_model, say
from tools.client import CreditServiceClient
from tools.registry import ToolRegistry
from bot.tool_routing import ToolRouter

pytestmark = pytest.mark.integration

SALES = Caller("web", "u-sales", may_lookup_buyers=True)
VISITOR = Caller("web", "u-visitor", may_lookup_buyers=False)
OFFLINE = Reply("离线答案：资料里的说法[1]。", sources=[])


@pytest.fixture(scope="module")
def knowledge(kb_data_dir: Path) -> KnowledgeBase:
    return KnowledgeBase(kb_data_dir)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with sample_service(tmp_path_factory.mktemp("agent-service")) as base:
        yield base


@pytest.fixture
def model() -> Iterator[tuple[Script, str]]:
    with running_model() as running:
        yield running


def build(url: str, knowledge: KnowledgeBase, service: str, **kwargs: object) -> Agent:
    settings = Settings(_env_file=None, llm_base_url=url, llm_model="stand-in", llm_api_key="sk-local", llm_timeout_s=10)
    registry = ToolRegistry(CreditServiceClient(service))
    return Agent(chat_model(settings), KnowledgeRetriever(knowledge=knowledge, k=4),
                 ToolRouter(registry).tools_for, **kwargs)


def passage_with_figure(knowledge: KnowledgeBase, query: str) -> tuple[int, str]:
    """The number the agent gives the first retrieved passage stating a figure, and that figure."""
    for number, document in enumerate(KnowledgeRetriever(knowledge=knowledge, k=4).invoke(query), start=1):
        figure = re.search(r"\d+(?:\.\d+)?%?", document.page_content)
        if figure:
            return number, figure.group()
    raise AssertionError(f"no passage with a figure for {query}")


def test_search_then_cited_answer_maps_citations_to_sources(model, knowledge, service) -> None:
    script, url = model
    question = "纸质单据和电子单据回收时间差几天"
    number, figure = passage_with_figure(knowledge, question)
    script.play(call("search_articles", query="电子发票 回收时间"), say(f"据资料，相差{figure}天左右[{number}]。"))
    reply = build(url, knowledge, service).answer(question, Session("s1", SALES), SALES, OFFLINE)
    assert reply is not None and reply.status == "answered"
    assert reply.answer == f"据资料，相差{figure}天左右[1]。"  # renumbered: [1] is sources[0]
    assert len(reply.sources) == 1 and figure in KnowledgeRetriever(knowledge=knowledge, k=4).invoke(
        "电子发票 回收时间")[number - 1].page_content
    assert reply.sources[0].doc_id and reply.sources[0].title
    assert reply.tool_calls == []  # the article search shows as sources, not as a tool call
    passages = script.tool_results(1)[0]
    assert f"[{number}]" in passages and figure in passages
    assert "search_articles" in script.tool_names(0)


def test_tool_call_result_backs_the_figures(model, knowledge, service) -> None:
    script, url = model
    script.play(
        call("calc_dso", receivables=3_000_000, credit_sales=6_000_000, period_days=60),
        say("应收300万、60天赊销600万，DSO为30.0天。"),
    )
    reply = build(url, knowledge, service).answer("应收300万，60天赊销600万，DSO多少", Session("s2", VISITOR), VISITOR, OFFLINE)
    assert reply is not None
    assert reply.answer == "应收300万、60天赊销600万，DSO为30.0天。"
    assert [(c.name, c.result["dso_days"]) for c in reply.tool_calls] == [("calc_dso", 30.0)]
    assert json.loads(script.tool_results(1)[0])["dso_days"] == 30.0


def test_buyer_tools_run_for_a_permitted_caller(model, knowledge, service) -> None:
    script, url = model
    script.play(call("buyer_lookup", query="恒丰化工"), say("宁波恒丰化工材料有限公司（CN1007）评级5级，建议信用限额5000000元。"))
    reply = build(url, knowledge, service).answer("恒丰化工信用怎么样", Session("s3", SALES), SALES, OFFLINE)
    assert reply is not None and reply.tool_calls[0].result["matches"][0]["buyer_id"] == "CN1007"
    assert {"buyer_lookup", "buyer_receivables"} <= script.tool_names(0)


def test_forbidden_tool_call_is_refused_and_never_run(model, knowledge, service) -> None:
    script, url = model
    script.play(call("buyer_lookup", query="恒丰化工"), say("抱歉，您无权查询买家信息。"))
    reply = build(url, knowledge, service).answer("恒丰化工信用怎么样", Session("s4", VISITOR), VISITOR, OFFLINE)
    assert not ({"buyer_lookup", "buyer_receivables"} & script.tool_names(0))  # never offered to this caller
    refusal = json.loads(script.tool_results(1)[0])
    assert refusal["error"] == "forbidden" and "matches" not in refusal
    assert reply is None  # no passage, no tool result: the offline answer (which says no permission) stands


def test_invented_figure_falls_back(model, knowledge, service) -> None:
    script, url = model
    question = "纸质单据和电子单据回收时间差几天"
    number, _ = passage_with_figure(knowledge, question)
    script.play(call("search_articles", query="电子发票 回收时间"), say(f"电子单据快了整整47天[{number}]。"))
    assert build(url, knowledge, service).answer(question, Session("s5", SALES), SALES, OFFLINE) is None


@pytest.mark.parametrize(
    "steps",
    [
        [say("电子单据回收更快。")],  # no citation, no tool result
        [call("search_articles", query="电子发票"), say("回收更快[9]。")],  # cites a passage it never got
        [Step(status=500)],
        [call("search_articles", query="电子发票")] * 5,  # never finishes
    ],
    ids=["uncited", "unknown-passage", "server-error", "too-many-steps"],
)
def test_unusable_answers_fall_back(model, knowledge, service, steps: list[Step]) -> None:
    script, url = model
    script.play(*steps)
    assert build(url, knowledge, service).answer("电子单据回收快吗", Session("s6", SALES), SALES, OFFLINE) is None


def test_timeout_falls_back_within_the_budget(model, knowledge, service) -> None:
    script, url = model
    slow = threading.Event()
    script.play(Step(content="太慢了[1]。", hold=slow))
    agent = build(url, knowledge, service, budgets={"wechat": 0.8})
    started = time.monotonic()
    reply = agent.answer("电子单据回收快吗", Session("s7", Caller("wechat", "u")), Caller("wechat", "u"), OFFLINE)
    elapsed = time.monotonic() - started
    assert reply is None and elapsed < 2.5
    assert agent.budget_for(Caller("wechat", "u")) == 0.8 and agent.budget_for(SALES) == 20.0


def test_clarifications_are_left_to_the_offline_path(model, knowledge, service) -> None:
    script, url = model
    clarify = Reply("请问应收账款是多少？", status="clarify")
    assert build(url, knowledge, service).answer("算一下DSO", Session("s8", SALES), SALES, clarify) is None
    assert script.requests == []


def test_earlier_turns_reach_the_model(model, knowledge, service) -> None:
    script, url = model
    script.play(say("不知道。"))
    session = Session("s9", SALES, turns=[Turn("电子单据回收快吗", "快一些[1]。", "answered")])
    build(url, knowledge, service).answer("那纸质的呢", session, SALES, OFFLINE)
    roles = [(m["role"], m.get("content")) for m in script.requests[0]["messages"]]
    assert roles[1:] == [("user", "电子单据回收快吗"), ("assistant", "快一些。"), ("user", "那纸质的呢")]


# --- streaming ----------------------------------------------------------------------------------


def test_stream_yields_checked_sentences_then_the_reply(model, knowledge, service) -> None:
    script, url = model
    question = "纸质单据和电子单据回收时间差几天"
    number, figure = passage_with_figure(knowledge, question)
    answer = f"电子单据回收更快[{number}]。据资料相差{figure}天[{number}]。建议改用电子单据。"
    script.play(call("search_articles", query="电子发票 回收时间"), say(answer))
    items = list(build(url, knowledge, service).stream(question, Session("s10", SALES), SALES, OFFLINE))
    pieces, reply = items[:-1], items[-1]
    assert isinstance(reply, Reply) and reply.sources
    assert "".join(pieces) == reply.answer == answer.replace(f"[{number}]", "[1]")
    assert pieces[0] == answer[:3]  # the stand-in's first token: text that cannot hold a figure streams at once
    held = next(p for p in pieces if figure in p)
    assert held.endswith("[1]。") and held.startswith(figure)  # a figure waits for its sentence to be checked
    assert all(body["stream"] for body in script.requests)


def test_stream_stops_at_an_invented_figure_and_gives_the_offline_answer(model, knowledge, service) -> None:
    script, url = model
    question = "纸质单据和电子单据回收时间差几天"
    number, _ = passage_with_figure(knowledge, question)
    script.play(call("search_articles", query="电子发票"), say(f"电子单据更快[{number}]。能快47天[{number}]。"))
    items = list(build(url, knowledge, service).stream(question, Session("s11", SALES), SALES, OFFLINE))
    assert items[-1] is OFFLINE
    shown = "".join(items[:-1])
    assert "47" not in shown and shown.endswith(OFFLINE.answer) and "\n\n" in shown


def test_stream_times_out_to_the_offline_answer(model, knowledge, service) -> None:
    script, url = model
    script.play(Step(content="太慢了[1]。", hold=threading.Event()))
    items = list(build(url, knowledge, service).stream("电子单据回收快吗", Session("s12", SALES), SALES, OFFLINE, 0.5))
    assert items[-1] is OFFLINE and "".join(items[:-1]) == OFFLINE.answer


@pytest.mark.parametrize("stream", [False, True])
def test_parallel_tool_calls_in_one_turn_all_count_as_evidence(model, knowledge, service, stream: bool) -> None:
    script, url = model
    question = "纸质单据和电子单据回收时间差几天"
    number, figure = passage_with_figure(knowledge, "电子发票 回收时间")
    script.play(
        Step(tool_calls=[("search_articles", {"query": "电子发票 回收时间"}),
                         ("calc_dso", {"receivables": 2_000_000, "credit_sales": 8_000_000, "period_days": 90})]),
        say(f"资料说约快{figure}天【{number}】。按您的数字DSO为22.5天。"),
    )
    agent = build(url, knowledge, service)
    session = Session("s13", VISITOR)
    if stream:
        *_, reply = agent.stream(question, session, VISITOR, OFFLINE)
    else:
        reply = agent.answer(question, session, VISITOR, OFFLINE)
    assert reply is not OFFLINE and reply is not None
    assert reply.answer == f"资料说约快{figure}天[1]。按您的数字DSO为22.5天。"
    assert [c.name for c in reply.tool_calls] == ["calc_dso"] and len(reply.sources) == 1
    assert len(script.tool_results(1)) == 2
