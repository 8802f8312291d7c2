"""The agent's workbench: the permission rule, refusing forbidden tools unexecuted, numbering passages."""

from __future__ import annotations

import json
from typing import Any

from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.tools import StructuredTool
from pydantic import BaseModel

from bot.agent.toolbox import SEARCH_TOOL, open_workbench
from bot.tool_routing import ToolRouter
from tools.client import CreditServiceClient
from tools.registry import ToolRegistry
from bot.messages import Caller


class QueryArgs(BaseModel):
    query: str


class Recorder:
    """Credit tools that only record that they ran."""

    def __init__(self) -> None:
        self.ran: list[tuple[str, dict[str, Any]]] = []

    def tool(self, name: str, result: dict[str, Any] | None = None) -> StructuredTool:
        def run(query: str) -> dict[str, Any]:
            self.ran.append((name, {"query": query}))
            if result is None:
                raise RuntimeError("service down")
            return result

        return StructuredTool.from_function(func=run, name=name, description=f"{name} tool", args_schema=QueryArgs)


class Shelf(BaseRetriever):
    """Two fixed passages for any query."""

    def _get_relevant_documents(self, query: str, *, run_manager: Any) -> list[Document]:
        return [
            Document("账龄超过90天的应收账款风险最高。", metadata={"doc_id": "a", "title": "账龄", "chunk_id": "a#s1", "score": 0.7}),
            Document("赔付比例一般为90%。", metadata={"doc_id": "b", "title": "赔付", "chunk_id": "b#faq1", "score": 0.4}),
        ]


def test_the_agent_is_given_buyer_tools_only_for_permitted_callers() -> None:
    router = ToolRouter(ToolRegistry(CreditServiceClient("http://127.0.0.1:9")))
    public = {t.name for t in router.tools_for(Caller("web", "x", may_lookup_buyers=False))}
    staff = {t.name for t in router.tools_for(Caller("cli", "x", may_lookup_buyers=True))}
    assert "calc_dso" in public and not public & {"buyer_lookup", "buyer_receivables"}
    assert staff == public | {"buyer_lookup", "buyer_receivables"}


def test_a_tool_not_given_is_refused_and_never_run() -> None:
    rec = Recorder()
    bench = open_workbench(Shelf(), [rec.tool("calc_dso", {"dso_days": 30.0})])
    answer = json.loads(bench.run("buyer_lookup", {"query": "恒丰"}))
    assert answer["error"] == "forbidden"
    assert rec.ran == [] and bench.calls == [] and bench.evidence == []


def test_tool_results_are_recorded_and_failures_become_error_results() -> None:
    rec = Recorder()
    bench = open_workbench(Shelf(), [rec.tool("calc_dso", {"dso_days": 30.0}), rec.tool("buyer_lookup")])
    assert json.loads(bench.run("calc_dso", {"query": "x"})) == {"dso_days": 30.0}
    assert json.loads(bench.run("buyer_lookup", {"query": "恒丰"}))["error"] == "tool_failed"
    assert [(c.name, "error" in c.result) for c in bench.calls] == [("calc_dso", False), ("buyer_lookup", True)]
    assert len(bench.evidence) == 1 and "30.0" in bench.evidence[0]


def test_passages_keep_their_number_across_searches() -> None:
    bench = open_workbench(Shelf(), [])
    first = bench.run(SEARCH_TOOL, {"query": "账龄"})
    second = bench.run(SEARCH_TOOL, {"query": "赔付"})
    assert first == second == "[1] 《账龄》账龄超过90天的应收账款风险最高。\n[2] 《赔付》赔付比例一般为90%。"
    assert sorted(bench.passages) == [1, 2] and bench.calls == []
    assert bench.passages[2].source().doc_id == "b"
