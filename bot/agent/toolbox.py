"""What the agent may call in one turn: the article search (numbering passages for ``[n]`` citations)
and the credit tools this caller is allowed, all as langchain ``StructuredTool``s.

The permission rule is the tool registry's (``ToolRouter.tools_for``): the agent binds
and executes only what that function returns, so a call to any other tool is refused unexecuted.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field

from bot.agent.grounding import tool_evidence
from bot.messages import Caller, Source, ToolCall

logger = logging.getLogger(__name__)

SEARCH_TOOL = "search_articles"
SNIPPET_CHARS = 160

ToolsFor = Callable[[Caller], list[StructuredTool]]


class SearchArgs(BaseModel):
    """Arguments of ``search_articles``."""

    query: str = Field(min_length=1, max_length=200, description="What to look up, in Chinese, e.g. 理赔需要多长时间")


@dataclass
class Passage:
    """A retrieved passage, numbered for citation within one turn."""

    number: int
    document: Document

    def label(self) -> str:
        """The passage as the model sees it: ``[n] 《title》text``."""
        return f"[{self.number}] 《{self.document.metadata.get('title', '')}》{self.document.page_content}"

    def source(self) -> Source:
        """The passage as a cited source of the reply."""
        meta = self.document.metadata
        text = " ".join(self.document.page_content.split())
        snippet = text if len(text) <= SNIPPET_CHARS else text[:SNIPPET_CHARS] + "…"
        return Source(meta["doc_id"], meta.get("title", ""), snippet, round(float(meta.get("score", 0.0)), 4))


@dataclass
class Workbench:
    """One turn's tools and what they produced: numbered passages and executed tool calls."""

    tools: dict[str, StructuredTool]
    passages: dict[int, Passage] = field(default_factory=dict)
    calls: list[ToolCall] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # successful tool calls, as text
    answer: str = ""  # the model's final answer, once it has given one

    @property
    def schemas(self) -> list[StructuredTool]:
        """The tools to bind to the chat model."""
        return list(self.tools.values())

    def run(self, name: str, args: dict[str, Any]) -> str:
        """Execute a tool call of the model and return what the model reads back.

        A tool not given to this caller is refused and never run; a failing tool becomes an error result.
        """
        tool = self.tools.get(name)
        if tool is None:
            logger.warning("agent asked for tool %s, not permitted for this caller; refused", name)
            return json.dumps({"error": "forbidden", "message": f"tool {name} is not available to this user"})
        try:
            result = tool.invoke(args)
        except Exception as e:  # noqa: BLE001 - a failed tool call is a result, never an aborted reply
            logger.warning("agent tool %s failed", name, exc_info=True)
            result = {"error": "tool_failed", "message": type(e).__name__}
        if name == SEARCH_TOOL:
            return str(result)
        if not isinstance(result, dict):
            result = {"error": "invalid_input", "message": str(result)}
        self.calls.append(ToolCall(name, dict(args), result))
        if "error" not in result:
            self.evidence.append(tool_evidence(name, args, result))
        return json.dumps(result, ensure_ascii=False, default=str)

    def search(self, retriever: BaseRetriever, query: str) -> str:
        """Retrieve passages, number them (a passage seen earlier keeps its number), list them for the model."""
        labels = []
        for document in retriever.invoke(query):
            passage = next((p for p in self.passages.values() if _key(p.document) == _key(document)), None)
            if passage is None:
                passage = Passage(len(self.passages) + 1, document)
                self.passages[passage.number] = passage
            labels.append(passage.label())
        return "\n".join(labels) if labels else "没有找到相关资料。"


def _key(document: Document) -> str:
    return document.metadata.get("chunk_id") or document.page_content


def open_workbench(retriever: BaseRetriever, credit_tools: list[StructuredTool]) -> Workbench:
    """A fresh workbench for one turn: the article search plus the caller's credit tools."""
    bench = Workbench(tools={})
    search = StructuredTool.from_function(
        func=lambda query: bench.search(retriever, query),
        name=SEARCH_TOOL,
        description="Search the trade-credit-insurance articles; returns numbered passages [n] to cite.",
        args_schema=SearchArgs,
    )
    bench.tools = {SEARCH_TOOL: search, **{t.name: t for t in credit_tools}}
    return bench
