"""Load figures of the credit service on loopback: requests/s and p95 latency.

Starts ``creditbot``'s service (``tools.service.main.serve``) with 2 uvicorn workers on 127.0.0.1 and a
free port, loads the sample buyers and invoices into a temporary SQLite database, then hits
``/buyers/search`` and ``/buyers/{id}/receivables`` from a few client threads for a bounded number of
requests (and at most ``--seconds`` each). Only 127.0.0.1 is ever contacted.

    .venv/bin/python bench/service_load.py [--requests 2000] [--concurrency 8] [--seconds 20] [--postgres]
"""

from __future__ import annotations

import argparse
import multiprocessing
import secrets
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.service.importing import import_csv  # noqa: E402
from tools.service.main import serve  # noqa: E402

PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SEARCHES = ["华信", "宁波恒丰", "CN1007", "saigon textile", "苏州", "91330200FX9A4UWC0K", "不存在的公司"]
BUYERS = ["CN1000", "CN1007", "CN1014", "CN1049", "CN1077", "DE2000"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


TOKEN = secrets.token_hex(16)  # the service runs with a bearer token, as in production
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _run(base: str, paths: list[str], total: int, concurrency: int, seconds: float) -> tuple[float, float, int, int]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(total))
    deadline = time.monotonic() + seconds

    def worker() -> None:
        nonlocal errors
        with httpx.Client(base_url=base, timeout=10, headers=AUTH) as client:
            for i in counter:
                if time.monotonic() > deadline:
                    return
                started = time.perf_counter()
                ok = client.get(paths[i % len(paths)]).status_code == 200
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    errors += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    p95 = statistics.quantiles(latencies, n=20)[18] if len(latencies) >= 20 else max(latencies)
    return len(latencies) / wall, p95 * 1000, len(latencies), errors


@contextmanager
def _database(postgres: bool, tmp: Path) -> Iterator[str]:
    if not postgres:
        yield f"sqlite:///{tmp / 'service.sqlite3'}"
        return
    from sqlalchemy import create_engine, text

    schema = f"creditbot_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_BASE)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--postgres", action="store_true",
                        help=f"use a temporary schema on {PG_BASE} instead of SQLite")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, _database(args.postgres, Path(tmp)) as url:
        for kind in ("buyers", "invoices"):
            assert import_csv(url, kind, ROOT / "tools" / "service" / "samples" / f"{kind}.csv").ok
        port = _free_port()
        proc = multiprocessing.Process(target=serve, kwargs={"database_url": url, "host": "127.0.0.1", "port": port,
                                                              "workers": 2, "token": TOKEN})
        proc.start()
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("service did not start")
                time.sleep(0.2)
            httpx.get(f"{base}/buyers/search", params={"q": "华信"}, headers=AUTH)  # warm both workers a little
            endpoints = {
                "/buyers/search": [f"/buyers/search?q={q}" for q in SEARCHES],
                "/buyers/{id}/receivables": [f"/buyers/{b}/receivables?as_of=2026-10-31&period_days=90"
                                             for b in BUYERS],
            }
            kind = "PostgreSQL" if args.postgres else "SQLite"
            print(f"credit service, 2 uvicorn workers, {kind}, {args.concurrency} client threads, 127.0.0.1")
            for name, paths in endpoints.items():
                rps, p95, n, errors = _run(base, paths, args.requests, args.concurrency, args.seconds)
                print(f"{name:28s} {rps:8.1f} req/s   p95 {p95:7.1f} ms   ({n} requests, {errors} errors)")
        finally:
            proc.terminate()
            proc.join(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
