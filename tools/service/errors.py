"""The service's error bodies, as its OpenAPI document describes them (and as it actually answers).

Every error is ``{"detail": "..."}``; a 422 may add ``errors``, one entry per field that failed.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from tools.schemas import ErrorBody  # 401, 404 and 503 bodies: {"detail": "..."}


class FieldError(BaseModel):
    """One field that failed validation."""

    loc: list[str | int] = Field(description="Where: body/query/path, then the field name")
    msg: str
    type: str


class InvalidInput(BaseModel):
    """422 body: what is wrong, in one sentence, and per field when a field failed."""

    detail: str
    errors: list[FieldError] = Field(default_factory=list)


UNAUTHORIZED: dict[int | str, dict[str, Any]] = {401: {"model": ErrorBody, "description": "Missing or wrong token"}}
INVALID: dict[int | str, dict[str, Any]] = {422: {"model": InvalidInput, "description": "Invalid input"}}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody, "description": "Unknown buyer"}}
UNAVAILABLE: dict[int | str, dict[str, Any]] = {503: {"model": ErrorBody, "description": "Database unavailable"}}
