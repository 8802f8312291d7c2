"""What a message asks of the tools (:class:`ToolRequest`), and the marks of a question about a concept,
which both readers leave to the knowledge core."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

CJK = re.compile(r"[\u4e00-\u9fff]")
# Where a Latin word touches a Chinese character ("limit多少", "查Saigon"): Python's ``\b`` sees no boundary there.
_SCRIPT_SEAM = re.compile(r"(?<=[A-Za-z])(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])(?=[A-Za-z])")


def spaced_scripts(text: str) -> str:
    """``text`` with a space wherever a Latin word runs into Chinese, so English words read as words in mixed
    messages ("their credit limit多少" -> "their credit limit 多少")."""
    return _SCRIPT_SEAM.sub(" ", text)
KNOWLEDGE_MARKERS = re.compile(
    r"怎么(?!样)|如何[\u4e00-\u9fff]|怎样|配合|怎么算|如何算|如何计算|怎样计算|公式|什么是|是什么|什么意思|为什么|为何|说明|意味|怎么办|怎么处理|如何处理|"
    r"如何降低|怎么降低|怎样降低|如何缩短|怎么缩短|变长|变短|一直在|影响|原因|哪些|需要|应该|该做|做什么|第一步|步骤|流程|"
    r"能不能|可不可以|可以|能否|是否|多久|要不要|会不会|"
    r"how (?:to|do|does|can|should)|why|what does|meaning|explain",
    re.IGNORECASE,
)


@dataclass
class ToolRequest:
    """What a message asks of the tools.

    ``tool`` is a calculator's tool name (``calc_dso`` ...), ``calc_ratio``, ``buyer_lookup``,
    ``buyer_receivables``, ``clarify_buyer`` (a buyer question without a name) or ``formula`` ("DSO怎么算":
    ``args["kind"]`` names the calculator or ratio kind whose formula to show). ``strong`` marks a buyer request that should be
    answered "not found" rather than handed to the knowledge core when nothing matches. ``earlier`` is the
    metric's value in an earlier period ("上年同期41天" -> ``(41.0, "天")``), to judge the change against.
    """

    tool: str
    args: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    strong: bool = True
    earlier: tuple[float, str] | None = None
