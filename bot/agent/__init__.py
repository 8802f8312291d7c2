"""The LLM agent mode (``CREDITBOT_LLM_MODE=agent``): a tool-calling chat model over the knowledge base and
the credit tools, with guardrails; :func:`build_agent` wires it from the settings."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.agent.core import Agent

if TYPE_CHECKING:
    from collections.abc import Callable

    from langchain_core.tools import StructuredTool

    from bot.config import Settings
    from bot.messages import Caller
    from knowledge.index import KnowledgeBase

__all__ = ["Agent", "build_agent", "channel_budgets"]

logger = logging.getLogger(__name__)


def channel_budgets(settings: Settings) -> dict[str, float]:
    """The agent's time budget per channel; WeChat's and WeCom's end before their passive reply is due."""
    budgets = dict(settings.llm_budgets)
    for channel in ("wechat", "wecom"):
        budgets[channel] = min(budgets.get(channel, settings.llm_timeout_s), settings.wechat_reply_budget_s)
    return budgets


def build_agent(
    settings: Settings, knowledge: KnowledgeBase, tools_for: Callable[[Caller], list[StructuredTool]]
) -> Agent | None:
    """The agent when an LLM is configured and ``llm_mode`` is ``agent``, else ``None``.

    ``tools_for(caller)`` gives the credit tools a caller may use (the tool registry's permission gate).
    """
    if not (settings.llm_enabled and settings.llm_mode == "agent"):
        return None
    from bot.llm import chat_model
    from knowledge.retriever import KnowledgeRetriever

    logger.info("LLM agent mode on: %s at %s", settings.llm_model, settings.llm_base_url)
    return Agent(
        chat_model(settings),
        KnowledgeRetriever(knowledge=knowledge, k=settings.llm_agent_passages),
        tools_for,
        budgets=channel_budgets(settings),
        default_budget_s=settings.llm_timeout_s,
        max_steps=settings.llm_agent_steps,
    )
