"""What many tests need: a free loopback port, a real uvicorn server in a thread, a throw-away PostgreSQL schema."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from bot.chat import split_pieces
from bot.messages import Reply, Session

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"  # the eval sets and fixtures live next to the repository
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def shared_file(*parts: str) -> Path:
    """A file under ``../shared`` (relative to the repository root): skipped when absent, failed in CI."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is missing: ../shared must sit next to the repository"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"


class SentenceStreaming:
    """Mixin for fake assistants: ``stream()`` yields ``answer()``'s sentences, then the Reply."""

    piece_pause_s = 0.0  # a pause between pieces, so a client can see them arrive one by one

    def answer(self, message: str, session: Session) -> Reply:  # pragma: no cover - implemented by the fake
        raise NotImplementedError

    def stream(self, message: str, session: Session) -> Iterator[str | Reply]:
        """The answer sentence by sentence, then the Reply."""
        reply = self.answer(message, session)
        for piece in split_pieces(reply.answer):
            yield piece
            if self.piece_pause_s:
                time.sleep(self.piece_pause_s)
        yield reply


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(
    app: Any, port: int | None = None, *, timeout_s: float = 60, **config: Any
) -> Iterator[tuple[str, uvicorn.Server]]:
    """Run an ASGI app with uvicorn on 127.0.0.1 in a thread; yields (base URL, server) and stops it afterwards.

    Setting ``server.should_exit`` stops it early (a service going down mid-test). ``config`` adds
    ``uvicorn.Config`` options (``log_level`` defaults to warning).
    """
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port or 0))  # bound here, so no other process can take the port meanwhile
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", **{"log_level": "warning", **config}))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", server
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


def wait_healthy(base: str, timeout_s: float = 60, process: Any = None) -> None:
    """Poll ``base``/healthz until it answers 200 (it answers 503 while the app warms up).

    A poll that fails to connect or times out counts as "not yet": on a loaded machine the warm-up can hold
    the server's threads for longer than one request's timeout, which is slowness, not failure. With
    ``process`` (a ``subprocess.Popen``), its exit fails at once.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        assert process is None or process.poll() is None, f"the server process behind {base} exited"
        try:
            if httpx.get(f"{base}/healthz", timeout=10).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, f"{base} did not become ready within {timeout_s:.0f} s"
        time.sleep(0.05)


@contextmanager
def serve_in_thread(app: Any, port: int | None = None) -> Iterator[str]:
    """Like :func:`running_server`, yielding only the base URL."""
    with running_server(app, port) as (base, _):
        yield base


@contextmanager
def postgres_schema(prefix: str = "creditbot_test") -> Iterator[str]:
    """A database URL on a fresh PostgreSQL schema, dropped afterwards; skips the test when unreachable."""
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as e:  # noqa: BLE001 - any connection failure means "not available here"
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {type(e).__name__}")
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def redis_url() -> str:
    """The Redis of the test machine; skips the test when unreachable."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as e:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {type(e).__name__}")
    return REDIS_URL
