"""``/calc``: the calculators over HTTP, one route per calculator spec (:mod:`tools.specs`).

A spec with a ``result_schema`` computes locally; it is served as ``POST /calc/<name without calc_>`` with the
spec's own input and result models, so the chat tools, the langchain tools and these routes are one definition.
"""

# No ``from __future__ import annotations``: each route's annotations must be the spec's model classes.

from typing import Any

from fastapi import APIRouter, HTTPException

from tools.calculators import CalculationError
from tools.registry import load_specs
from tools.service.errors import INVALID
from tools.spec import ToolSpec

router = APIRouter(prefix="/calc", tags=["calculators"])


def _route(spec: ToolSpec) -> None:
    args_model, result_model = spec.args_schema, spec.result_schema

    def endpoint(body: args_model) -> Any:  # type: ignore[valid-type]
        try:
            return spec.run(None, **body.model_dump())
        except CalculationError as e:
            raise HTTPException(status_code=422, detail=str(e)) from e

    path = "/" + spec.name.removeprefix("calc_")
    endpoint.__name__ = spec.name
    router.add_api_route(path, endpoint, methods=["POST"], response_model=result_model, responses=INVALID,
                         summary=spec.name, description=spec.description)


for _spec in load_specs():
    if _spec.result_schema is not None:
        _route(_spec)
