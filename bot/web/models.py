"""The chat server's request and reply models, as published in ``/openapi.json``.

The routes read their bodies themselves (to cap size, depth and numbers before anything is parsed), so
these models describe the wire format for clients and schema-driven tests rather than parse it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class ChatRequest(BaseModel):
    """Body of ``POST /api/chat``."""

    message: str = Field(min_length=1, max_length=2000, description="The user's question (at most 2,000 characters)")
    session_id: str | None = Field(
        None,
        pattern=r"^(web:)?[A-Za-z0-9_.-]{1,60}$",
        description="A session id this API handed out (``web:...``); absent starts a new conversation",
    )
    site_key: str | None = Field(None, max_length=64, description="Widget site key (or header X-Site-Key)")


class SourceModel(BaseModel):
    """A cited article passage."""

    doc_id: str
    title: str
    snippet: str
    score: float


class ToolCallModel(BaseModel):
    """One tool invocation and its (possibly error) result."""

    name: str
    args: dict[str, Any]
    result: dict[str, Any]


class ChatReply(BaseModel):
    """The reply to one message (also the ``done`` event of the stream)."""

    answer: str
    status: Literal["answered", "clarify", "no_answer", "handoff"]
    sources: list[SourceModel]
    tool_calls: list[ToolCallModel]
    session_id: str
    reply_id: str


class FeedbackRequest(BaseModel):
    """Body of ``POST /api/feedback``."""

    reply_id: str = Field(min_length=1, max_length=64)
    rating: Literal["up", "down", 1, -1]
    comment: str | None = Field(None, max_length=2000)


class FeedbackReply(BaseModel):
    """Feedback recorded."""

    ok: bool


class ErrorReply(BaseModel):
    """Every refusal of the chat API: a message a person can act on."""

    error: str


class Health(BaseModel):
    """``/healthz``: ``ok`` once the index answers, else ``starting`` or ``error``."""

    status: Literal["ok", "starting", "error"]
    error: str | None = None


def request_body(model: type[BaseModel]) -> dict[str, Any]:
    """An ``openapi_extra`` entry documenting ``model`` as the JSON request body of a hand-parsed route."""
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": model.model_json_schema()}}}}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses`` entries for refusals, each an :class:`ErrorReply`."""
    return {code: {"model": ErrorReply} for code in codes}
