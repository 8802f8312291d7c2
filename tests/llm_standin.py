"""A local stand-in for an OpenAI-compatible chat-completions endpoint that plays a scripted conversation.

Each request to ``POST /v1/chat/completions`` takes the next step of the script: the model's final
words (:func:`say`) or its tool calls (:func:`call`), streamed as Server-Sent Events when the request
asks for ``stream``. A step can be held until an event is set (a model too slow for the budget).
Every request body is kept, so tests can read what the agent sent back (tool results, tool schemas).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.support import serve_in_thread


@dataclass
class Step:
    """One model response: text, or tool calls ``[(name, args), ...]``; ``status`` other than 200 is an error."""

    content: str = ""
    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    status: int = 200
    hold: threading.Event | None = None  # answer only once this is set


def say(text: str) -> Step:
    """The model's final answer."""
    return Step(content=text)


def call(name: str, **args: Any) -> Step:
    """The model asks for one tool call."""
    return Step(tool_calls=[(name, args)])


class Script:
    """The steps still to play and the requests received."""

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.held: list[threading.Event] = []

    def play(self, *steps: Step) -> None:
        """Replace the script and forget earlier requests (releasing any step still held)."""
        for event in self.held:
            event.set()
        self.steps, self.requests, self.headers, self.held = list(steps), [], [], []

    def tool_results(self, index: int) -> list[str]:
        """The ``tool`` messages the agent sent with request ``index``."""
        return [m["content"] for m in self.requests[index]["messages"] if m["role"] == "tool"]

    def tool_names(self, index: int) -> set[str]:
        """The names of the tools bound in request ``index``."""
        return {t["function"]["name"] for t in self.requests[index].get("tools", [])}


def _tool_calls(step: Step) -> list[dict[str, Any]]:
    return [
        {"id": f"call_{i}", "type": "function", "function": {"name": name, "arguments": json.dumps(args, ensure_ascii=False)}}
        for i, (name, args) in enumerate(step.tool_calls)
    ]


def _chunks(step: Step, base: dict[str, Any]) -> Iterator[str]:
    def event(delta: dict[str, Any], finish: str | None = None) -> str:
        body = {**base, "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield event({"role": "assistant", "content": ""})
    for i, item in enumerate(_tool_calls(step)):
        arguments = item["function"]["arguments"]
        head = {"index": i, "id": item["id"], "type": "function", "function": {"name": item["function"]["name"], "arguments": ""}}
        yield event({"tool_calls": [head]})
        for start in range(0, len(arguments), 8):  # arguments arrive in pieces, as from a real model
            yield event({"tool_calls": [{"index": i, "function": {"arguments": arguments[start : start + 8]}}]})
    for start in range(0, len(step.content), 3):
        yield event({"content": step.content[start : start + 3]})
    yield event({}, "tool_calls" if step.tool_calls else "stop")
    yield "data: [DONE]\n\n"


def _app(script: Script) -> Starlette:
    async def completions(request: Request) -> Response:
        body = await request.json()
        script.requests.append(body)
        script.headers.append(dict(request.headers))
        step = script.steps.pop(0) if script.steps else say("")
        if step.hold is not None:
            script.held.append(step.hold)
            await anyio.to_thread.run_sync(step.hold.wait, 30)
        if step.status != 200:
            return JSONResponse({"error": {"message": "overloaded", "type": "server_error"}}, status_code=step.status)
        base = {"id": f"chatcmpl-{len(script.requests)}", "created": 0, "model": body["model"]}
        if body.get("stream"):
            return StreamingResponse(_chunks(step, base), media_type="text/event-stream")
        message: dict[str, Any] = {"role": "assistant", "content": step.content or None}
        if step.tool_calls:
            message["tool_calls"] = _tool_calls(step)
        finish = "tool_calls" if step.tool_calls else "stop"
        return JSONResponse({
            **base, "object": "chat.completion",
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        })

    return Starlette(routes=[Route("/v1/chat/completions", completions, methods=["POST"])])


@contextmanager
def running_model() -> Iterator[tuple[Script, str]]:
    """The stand-in on a free loopback port: yields (script, base URL ending in ``/v1``)."""
    script = Script()
    with serve_in_thread(_app(script)) as base:
        try:
            yield script, f"{base}/v1"
        finally:
            for event in script.held:  # nothing may stay held once the test is over
                event.set()
