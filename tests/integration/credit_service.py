"""Helpers for tests that need the real credit service on loopback (uvicorn in a thread, free port)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from pathlib import Path

import uvicorn

from bot.messages import Caller, Session
from bot.tool_routing import ToolRouter
from tests.support import running_server
from tests.support import postgres_schema as support_postgres_schema
from tools.client import CreditServiceClient
from tools.registry import ToolRegistry
from tools.service.importing import import_csv
from tools.service.main import create_app

SAMPLES = Path(__file__).resolve().parents[2] / "tools" / "service" / "samples"
SAMPLE_LEDGER_DAY = date(2026, 10, 31)  # the day the sample invoices are dated against


def load_samples(database_url: str) -> None:
    for kind in ("buyers", "invoices"):
        report = import_csv(database_url, kind, SAMPLES / f"{kind}.csv")
        assert report.ok, report.summary()


def sample_database(directory: Path) -> str:
    """The URL of a SQLite file in ``directory`` holding the sample buyers and invoices."""
    url = f"sqlite:///{directory / 'service.sqlite3'}"
    load_samples(url)
    return url


def running_service(database_url: str, token: str | None = None) -> AbstractContextManager[tuple[str, uvicorn.Server]]:
    """The service on 127.0.0.1:<free port>; yields (base URL, server) and stops it afterwards."""
    return running_server(create_app(database_url, token=token))


@contextmanager
def sample_service(directory: Path, token: str | None = None) -> Iterator[str]:
    """The service over the sample data (a SQLite file in ``directory``); yields its base URL."""
    with running_service(sample_database(directory), token) as (base, _server):
        yield base


def sample_router(base_url: str) -> ToolRouter:
    """The offline tool router on the service at ``base_url``, with today = the sample ledger's day."""
    return ToolRouter(ToolRegistry(CreditServiceClient(base_url)), today=lambda: SAMPLE_LEDGER_DAY)


def cli_session(may_lookup: bool = True) -> Session:
    """A fresh command-line session; ``may_lookup`` grants buyer look-ups."""
    return Session(id="cli", caller=Caller("cli", "abc", may_lookup))


def postgres_schema() -> AbstractContextManager[str]:
    """A database URL on a fresh, unique PostgreSQL schema (dropped afterwards); skips when unreachable."""
    return support_postgres_schema("creditbot_test")
