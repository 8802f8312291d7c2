"""The langchain face of the tools: ``build_tools(registry, grants)`` for any langchain caller (an agent).

``Toolkit`` is the :class:`~tools.registry.ToolRegistry` under the name older callers use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tools.registry import ToolRegistry

if TYPE_CHECKING:
    from langchain_core.tools import StructuredTool

Toolkit = ToolRegistry


def build_tools(registry: ToolRegistry, grants: frozenset[str] = frozenset()) -> list[StructuredTool]:
    """Every tool as a langchain ``StructuredTool`` gated for a caller holding ``grants`` (none by default:
    the buyer tools then answer ``forbidden``)."""
    return registry.structured_tools(grants)
