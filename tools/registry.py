"""One registry of tools: each tool is a ``ToolSpec`` in its own module under :mod:`tools.specs`.

From the specs the registry builds the langchain ``StructuredTool`` of every tool (schema, docstring as
description) and gates each call by the caller's grants, so every path — the offline router, an LLM
agent, a follow-up completing an earlier request — goes through the same check. A failed or refused
call is an error result ``{"error": kind, "message": ...}`` (kinds: ``service_unavailable``,
``not_found``, ``invalid_input``, ``forbidden``), never an exception and never a made-up figure.

Adding a tool: one module in :mod:`tools.specs` defining ``SPEC`` (a :class:`~tools.spec.ToolSpec`), plus its tests.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from tools import specs as specs_package
from tools.calculators import CalculationError
from tools.errors import BuyerNotFound, InvalidInput, ServiceUnavailable
from tools.spec import ALL_GRANTS, BUYER_DATA, EVERYONE, Calculator, ToolSpec

__all__ = ["ALL_GRANTS", "BUYER_DATA", "EVERYONE", "Calculator", "ToolRegistry", "ToolSpec", "load_specs"]

if TYPE_CHECKING:
    from langchain_core.tools import StructuredTool

    from tools.client import CreditServiceClient

logger = logging.getLogger(__name__)

def load_specs() -> list[ToolSpec]:
    """Every ``SPEC`` in the modules of :mod:`tools.specs`, by module name."""
    found = []
    for info in sorted(pkgutil.iter_modules(specs_package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{specs_package.__name__}.{info.name}")
        found.append(module.SPEC)
    return found


def error_result(kind: str, message: str) -> dict[str, Any]:
    """A failed call's result."""
    return {"error": kind, "message": message}


def validation_message(error: ValidationError) -> str:
    """A refusal of the input model as one line: ``field: reason; ...``."""
    parts = []
    for err in error.errors():
        loc = ".".join(str(p) for p in err["loc"])
        parts.append(f"{loc}: {err['msg']}" if loc else str(err["msg"]))
    return "; ".join(parts)


class ToolRegistry:
    """The tools bound to one credit-service client; the permission gate of every call."""

    def __init__(self, client: CreditServiceClient, specs: Iterable[ToolSpec] | None = None) -> None:
        self.client = client
        self.specs: dict[str, ToolSpec] = {s.name: s for s in (load_specs() if specs is None else specs)}
        self._tools: dict[frozenset[str], list[StructuredTool]] = {}

    def allowed(self, name: str, grants: frozenset[str]) -> bool:
        """Whether a caller holding ``grants`` may use tool ``name``."""
        permission = self.specs[name].permission
        return permission == EVERYONE or permission in grants

    def calculators(self) -> list[ToolSpec]:
        """The specs that read their inputs from a message."""
        return [s for s in self.specs.values() if s.calculator is not None]

    def _function(self, spec: ToolSpec, grants: frozenset[str]) -> Callable[..., dict[str, Any]]:
        def call(**kwargs: Any) -> dict[str, Any]:
            if not self.allowed(spec.name, grants):
                logger.info("tool %s refused: caller lacks %s", spec.name, spec.permission)
                return error_result("forbidden", f"{spec.name} needs the {spec.permission} permission")
            try:
                return spec.run(self.client, **kwargs)
            except BuyerNotFound as e:
                return error_result("not_found", str(e))
            except ServiceUnavailable as e:
                return error_result("service_unavailable", str(e))
            except (InvalidInput, CalculationError) as e:
                return error_result("invalid_input", str(e))

        call.__doc__ = spec.run.__doc__
        return call

    def structured_tools(self, grants: frozenset[str]) -> list[StructuredTool]:
        """Every tool as a langchain ``StructuredTool`` for a caller holding ``grants`` (refused calls give
        a ``forbidden`` result); an invalid input gives the refusal as text."""
        if grants not in self._tools:
            from langchain_core.tools import StructuredTool

            self._tools[grants] = [
                StructuredTool.from_function(
                    func=self._function(spec, grants), name=spec.name, description=spec.description,
                    args_schema=spec.args_schema,
                    handle_validation_error=lambda e: f"invalid_input: {validation_message(e)}",
                )
                for spec in self.specs.values()
            ]
        return self._tools[grants]

    def invoke(self, name: str, args: Mapping[str, Any], grants: frozenset[str]) -> dict[str, Any]:
        """Call tool ``name`` through its ``StructuredTool``; the result dict, or an error result."""
        spec = self.specs[name]
        try:
            spec.args_schema.model_validate(dict(args))
        except ValidationError as e:
            return error_result("invalid_input", validation_message(e))
        tool = next(t for t in self.structured_tools(grants) if t.name == name)
        return tool.invoke(dict(args))
