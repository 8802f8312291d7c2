"""Helpers for tests that need the real credit service on loopback (uvicorn in a thread, free port)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

import uvicorn

from tests.support import running_server
from tests.support import postgres_schema as support_postgres_schema
from tools.service.importing import import_csv
from tools.service.main import create_app

SAMPLES = Path(__file__).resolve().parents[2] / "tools" / "service" / "samples"


def load_samples(database_url: str) -> None:
    for kind in ("buyers", "invoices"):
        report = import_csv(database_url, kind, SAMPLES / f"{kind}.csv")
        assert report.ok, report.summary()


def running_service(database_url: str) -> AbstractContextManager[tuple[str, uvicorn.Server]]:
    """The service on 127.0.0.1:<free port>; yields (base URL, server) and stops it afterwards."""
    return running_server(create_app(database_url))


def postgres_schema() -> AbstractContextManager[str]:
    """A database URL on a fresh, unique PostgreSQL schema (dropped afterwards); skips when unreachable."""
    return support_postgres_schema("creditbot_test")
