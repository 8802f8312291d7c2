"""Helpers for tests that need the real credit service on loopback (uvicorn in a thread, free port)."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from tools.service.importing import import_csv
from tools.service.main import create_app

SAMPLES = Path(__file__).resolve().parents[2] / "tools" / "service" / "samples"
PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_samples(database_url: str) -> None:
    for kind in ("buyers", "invoices"):
        report = import_csv(database_url, kind, SAMPLES / f"{kind}.csv")
        assert report.ok, report.summary()


@contextmanager
def running_service(database_url: str) -> Iterator[tuple[str, uvicorn.Server]]:
    """The service on 127.0.0.1:<free port>; yields (base URL, server) and stops it afterwards."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(database_url), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("credit service did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", server
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A database URL on a fresh, unique PostgreSQL schema (dropped afterwards); skips when unreachable."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(PG_BASE)
    schema = f"creditbot_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError:
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {PG_BASE}")
    try:
        yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
