"""A follow-up asking how a calculation compares with an earlier period ("比上季度高了多少").

The earlier figure is the session's previous calculation of the same metric when there is one; when
neither the session nor the message gives it, the user is asked for it: a change is never worked out
from a figure nobody stated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot.messages import Reply, ToolCall

# How much the figure moved: "比上季度高了多少", "和上个月比变化多大", "涨了几个点", "what changed".
ASKS_CHANGE = re.compile(
    r"(?:比.{0,8}?)?(?:高了|低了|多了|少了|长了|短了|快了|慢了|增加了?|减少了?|增长了?|下降了?|上升了?|涨了|降了|变化|变了|差了?|差距)"
    r"(?:多少|多大|几天|几个?点?)?|"
    r"\bhow much (?:higher|lower|more|less)\b|\bchanged?\b|\bdifference\b|\bcompared? (?:to|with)\b",
    re.IGNORECASE,
)
ASK_EARLIER = "要和哪一期比？请告诉我那一期的{metric}（例如“上个月是{example}”），我来算变化，并对照资料的说法。"
ASK_EARLIER_EN = ("Compared with which period? Tell me that period's {metric} (say “last month {example}”) and I will "
                  "work out the change and hold it against the articles.")

Readings = Callable[[ToolCall], list[tuple[str, float, str, str]]]


def asks_change(text: str) -> bool:
    """True when the message asks how much a figure moved."""
    return bool(ASKS_CHANGE.search(text))


def previous_figure(last: dict[str, Any], readings: Readings) -> tuple[float, str] | None:
    """The main figure of the calculation of the same metric made before ``last`` (see ``LAST_RESULT``), or None."""
    previous = last.get("previous")
    if not previous:
        return None
    figures = readings(ToolCall(previous["tool"], previous["args"], previous["result"]))
    return (figures[0][1], figures[0][2]) if figures else None


def ask_for_earlier(last: dict[str, Any], readings: Readings, english: bool) -> Reply | None:
    """The question for the earlier period's figure of the last calculation's metric (None: it states no figure)."""
    figures = readings(ToolCall(last["tool"], last["args"], last["result"]))
    if not figures:
        return None
    metric, _, unit, _ = figures[0]
    example = "12%" if unit == "%" else f"40{' days' if english and unit == '天' else unit}"
    text = (ASK_EARLIER_EN if english else ASK_EARLIER).format(metric=metric, example=example)
    return Reply(text, status="clarify", tool_calls=[ToolCall(last["tool"], dict(last["args"]), last["result"])])
