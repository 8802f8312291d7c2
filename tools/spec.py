"""What one tool is: :class:`ToolSpec` (schema, description, permission, rendering, slot reading)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

EVERYONE = "everyone"
BUYER_DATA = "buyer_data"  # buyers' grades, limits and ledgers: authorised internal users only
ALL_GRANTS = frozenset({BUYER_DATA})


@dataclass(frozen=True)
class Calculator:
    """How a calculator's values are read from a chat message, and how its formula is explained.

    Attributes:
        names: words that name the metric ("DPO|应付账款周转天数").
        slots: each input value and the words that name it in a message.
        labels: how to ask for each input in Chinese.
        formula: (metric name, formula, what it means, what inputs to give) for "X怎么算".
        needs_period: the period in days is an input too ("上季度" = 90).
        priority: lower is tried first; a calculator whose names are broad ("周转天数") goes last.
    """

    names: re.Pattern[str]
    slots: Mapping[str, str]
    labels: Mapping[str, str]
    formula: tuple[str, str, str, str]
    needs_period: bool = False
    priority: int = 50


@dataclass(frozen=True)
class ToolSpec:
    """Everything about one tool.

    Attributes:
        name: the tool's name (also the langchain tool name).
        args_schema: its pydantic input model.
        run: ``run(client, **args) -> result dict``; its docstring is the tool's description. It may raise
            the errors of :mod:`tools.errors` or :class:`~tools.calculators.CalculationError`.
        permission: the grant a caller needs (:data:`EVERYONE` for none).
        render: the result as the text every chat channel shows (channels only adapt markup and length).
        calculator: for calculators, how values are read from a message.
        result_schema: for tools that compute locally (calculators), the result model: the credit service
            then serves the tool as ``POST /calc/<name without calc_>`` (:mod:`tools.service.routes.calc`).
        readings: ``readings(args, result) -> [(metric, value, unit), ...]``: the result's figures as a reader of
            the articles names them ("逾期率", 17.3, "%"), so the assistant can say what the articles make of them.
    """

    name: str
    args_schema: type[BaseModel]
    run: Callable[..., dict[str, Any]]
    permission: str = EVERYONE
    render: Callable[[dict[str, Any], dict[str, Any]], str] | None = None
    calculator: Calculator | None = field(default=None)
    result_schema: type[BaseModel] | None = None
    readings: Callable[[dict[str, Any], dict[str, Any]], list[tuple[str, float, str]]] | None = None

    @property
    def description(self) -> str:
        """The docstring of ``run``, on one line."""
        return " ".join((self.run.__doc__ or self.name).split())
