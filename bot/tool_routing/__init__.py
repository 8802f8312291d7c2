"""Offline routing of tool requests: recognise, ask for what is missing, call the tool, answer (in Chinese, or
in English for an English message).

:meth:`ToolRouter.handle` answers a message that asks for a calculation or a buyer (or completes a
pending clarification kept in ``session.state``) and returns ``None`` for everything else, which the
knowledge core then answers. Every call goes through :class:`tools.registry.ToolRegistry` (its
``StructuredTool`` and its permission gate, with the caller's grants), including one that completes an
earlier request. A failed tool call becomes a polite sentence, never a made-up figure; with the credit
service down, a question naming a buyer says so instead of falling through to the articles.

Buyers are recognised by name against the credit service's directory (:class:`tools.directory.BuyerDirectory`:
part of a name, a slip, pinyin, a Latin name, an id or USCC), several in one message are compared, and the
session keeps the last buyer looked up (``state["buyer"]``) for follow-ups that point back at it.

The package: :mod:`~bot.tool_routing.router` (the turn) over :mod:`~bot.tool_routing.calculations` and
:mod:`~bot.tool_routing.buyers`, both over :mod:`~bot.tool_routing.context` (session keys, grants, language).
"""

from bot.tool_routing.context import LAST_RESULT, grants_of
from bot.tool_routing.router import ToolRouter, build_tool_router

__all__ = ["LAST_RESULT", "ToolRouter", "build_tool_router", "grants_of"]
