"""``GET /admin/report``: what a knowledge manager needs to decide which articles to write next.

Top questions, unanswered questions, feedback with comments, latency percentiles, counts by channel and
status — one HTML page, every value escaped. Bearer token = ``CREDITBOT_ADMIN_TOKEN``; without a configured
token the route does not exist (404).
"""

from __future__ import annotations

import hmac
from html import escape
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from bot.admin.review import normalize_question, percentile, summarize

__all__ = ["build_router", "normalize_question", "percentile", "render_html", "summarize"]

def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body or '<tr><td>—</td></tr>'}</tbody></table>"


def render_html(summary: dict[str, Any]) -> str:
    """The report page; every value from the log is escaped."""
    lat = summary["latency_ms"]
    fmt = lambda v: "—" if v is None else f"{v:.0f} ms"  # noqa: E731
    fb = summary["feedback"]
    parts = [
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>creditbot report</title>",
        "<style>body{font:14px/1.5 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;"
        "margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
        "th{background:#f3f5f8}</style></head><body>",
        f"<h1>creditbot — conversation report</h1><p>{summary['total']} replies in the log. "
        f"Answer latency p50 {fmt(lat['p50'])}, p95 {fmt(lat['p95'])}. "
        f"Feedback: 👍 {fb['up']} / 👎 {fb['down']}.</p>",
        "<h2>Questions without an answer (write these articles)</h2>",
        _table(["question", "times"], [[q["question"], q["count"]] for q in summary["no_answer"]]),
        "<h2>Top questions</h2>",
        _table(["question", "times", "statuses"],
               [[q["question"], q["count"], ", ".join(f"{k} {v}" for k, v in q["statuses"].items())]
                for q in summary["top_questions"]]),
        "<h2>Feedback with comments</h2>",
        _table(["rating", "comment", "question", "answer"],
               [["👍" if f["rating"] > 0 else "👎", f["comment"], f["question"], (f["answer"] or "")[:200]]
                for f in fb["comments"]]),
        "<h2>By channel</h2>", _table(["channel", "replies"], [list(i) for i in summary["by_channel"].items()]),
        "<h2>By status</h2>", _table(["status", "replies"], [list(i) for i in summary["by_status"].items()]),
        "</body></html>",
    ]
    return "".join(parts)


def build_router() -> APIRouter:
    """The admin routes (state from ``request.app.state.web``)."""
    router = APIRouter()

    @router.get("/admin/report")
    async def report(request: Request, format: str = "html") -> Response:
        """The knowledge manager's report (``?format=json`` for the figures)."""
        state = request.app.state.web
        token = state.settings.admin_token
        if token is None or not token.get_secret_value():
            return JSONResponse({"error": "not found"}, status_code=404)
        auth = request.headers.get("authorization", "")
        if not auth.lower().startswith("bearer "):
            return JSONResponse({"error": "admin token required"}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        if not hmac.compare_digest(auth[7:].strip().encode(), token.get_secret_value().encode()):
            return JSONResponse({"error": "wrong admin token"}, status_code=403)
        if state.chat is None:
            return JSONResponse({"error": "the assistant is still starting"}, status_code=503)
        store = state.chat.store
        log = await run_in_threadpool(store.recent_log, 5000)
        feedback = await run_in_threadpool(store.all_feedback, 1000)
        summary = summarize(log, feedback)
        if format == "json":
            return JSONResponse(summary, headers={"Cache-Control": "no-store"})
        return HTMLResponse(render_html(summary), headers={
            "Cache-Control": "no-store",
            # the page has no scripts at all: even an escaping slip could not run one
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            "X-Content-Type-Options": "nosniff",
        })

    return router
