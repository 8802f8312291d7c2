"""Prometheus metrics of the chat server, in a registry per app (tests build many apps in one process),
and the access log without identifiers (query strings redacted).

With several uvicorn workers set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder: each worker then writes its
samples there and ``/metrics`` aggregates them (prometheus-client's multiprocess mode; ``Settings`` reads it).
"""

from __future__ import annotations

import logging

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ACCESS_LOGGER = "uvicorn.access"
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)


class Metrics:
    """The chat server's counters and histograms."""

    def __init__(self, multiprocess: bool = False) -> None:
        self.multiprocess = multiprocess
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "creditbot_http_requests", "HTTP requests by route and status", ["route", "method", "status"],
            registry=self.registry,
        )
        self.answer_latency = Histogram(
            "creditbot_answer_latency_seconds", "Time to the complete reply of /api/chat", ["mode"],
            buckets=LATENCY_BUCKETS, registry=self.registry,
        )
        self.replies = Counter(
            "creditbot_replies", "Chat replies by status", ["status", "channel"], registry=self.registry
        )
        self.refused = Counter(
            "creditbot_refused_requests", "Chat requests refused before answering", ["reason"],
            registry=self.registry,
        )

    def render(self) -> Response:
        """The ``/metrics`` response."""
        if self.multiprocess:
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    """Counts every HTTP response by its route template (not the raw path: no unbounded labels)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", None) or "unmatched"
            self.metrics.requests.labels(path, Request(scope).method, str(status)).inc()


class RedactQueryStrings(logging.Filter):
    """uvicorn access-log lines without query strings: WeChat adds the user's ``openid`` to its callbacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the path argument of uvicorn's ``'%s - "%s %s HTTP/%s" %d'`` line; never drops a line."""
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (args[0], args[1], args[2].split("?", 1)[0] + "?[redacted]", args[3], args[4])
        return True


def install_access_log_redaction() -> None:
    """Add :class:`RedactQueryStrings` to uvicorn's access logger once per process."""
    access = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactQueryStrings) for f in access.filters):
        access.addFilter(RedactQueryStrings())
