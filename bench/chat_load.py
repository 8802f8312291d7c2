"""Sustained load on ``POST /api/chat`` over loopback: requests/s and latency percentiles.

By default starts its own chat server (``creditbot serve`` in a subprocess, rate limits raised for the run)
on a free 127.0.0.1 port, on ``--data-dir`` (ingested first into a temp dir when it holds no index), with a
throw-away conversation store. ``--url`` measures a server that is already running (loopback only).

    .venv/bin/python bench/chat_load.py [--concurrency 16] [--duration 60] [--url http://127.0.0.1:8000]
        [--distinct] [--fresh-sessions]

``--distinct`` makes every message unique (the encoder's real work); ``--fresh-sessions`` opens a new
session per message (many visitors asking the recurring questions, which the answer cache serves) where
the default keeps one session per client (every message after the first is a follow-up). A server
started here also reports its start (port open, ``/healthz`` 200), its CPU time per request (steady on
a shared machine, unlike req/s) and its resident memory right after the run and ``IDLE_S`` later.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

IDLE_S = 2.0  # the server's memory is read again after this long without requests

QUESTIONS = [
    "客户破产了能赔吗",
    "理赔要多久",
    "账期怎么定",
    "应收500万、季度赊销900万，DSO多少",
    "如何对新客户实施有效的信用评估？",
    "买方长期拖欠货款怎么办？",
    "信用保险能覆盖哪些风险？",
    "现金流断裂怎么办？",
]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))]


def server_rss_mb(pid: int) -> float:
    """Resident memory of a process (Linux), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far (Linux), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(data_dir: Path, workdir: Path, timings: dict[str, float] | None = None,
                 port: int | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """``creditbot serve`` on ``port`` (a free loopback port when None); returns the process and its URL once /healthz is 200.

    ``timings`` receives ``start_to_port_s`` (the port accepts connections), ``start_to_healthy_s`` and
    ``start_cpu_s`` (the server's CPU time until healthy).
    """
    if not (data_dir.exists() and any(data_dir.iterdir())):
        data_dir = workdir / "data"
        print(f"no index in the data dir: ingesting the bundled articles into {data_dir} ...", flush=True)
        env = {**os.environ, "CREDITBOT_DATA_DIR": str(data_dir)}
        subprocess.run([sys.executable, "-m", "bot.cli", "ingest"], env=env, check=True)
    port = port or free_port()
    env = {
        **os.environ,
        "CREDITBOT_DATA_DIR": str(data_dir),
        "CREDITBOT_PORT": str(port),
        "CREDITBOT_HOST": "127.0.0.1",
        "CREDITBOT_STORE_URL": f"sqlite:///{workdir / 'bench-conversations.sqlite3'}",
        "CREDITBOT_RATE_LIMIT_PER_MINUTE": "100000000",
        "CREDITBOT_SITE_RATE_LIMIT_PER_MINUTE": "100000000",
        "CREDITBOT_LOG_LEVEL": "WARNING",
    }
    began = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], env=env)
    url = f"http://127.0.0.1:{port}"
    timings = timings if timings is not None else {}
    deadline = began + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the chat server exited while starting")
        try:
            status = httpx.get(f"{url}/healthz", timeout=2).status_code
            timings.setdefault("start_to_port_s", round(time.monotonic() - began, 2))
            if status == 200:
                timings["start_to_healthy_s"] = round(time.monotonic() - began, 2)
                timings["start_cpu_s"] = round(cpu_seconds(proc.pid), 2)  # the start's work, whatever the load
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    proc.terminate()
    raise SystemExit("the chat server did not become ready within 300 s")


async def run_load(url: str, concurrency: int, duration: float, distinct: bool = False,
                   fresh_sessions: bool = False, questions: list[str] = QUESTIONS) -> dict[str, object]:
    """``concurrency`` clients posting questions back to back for ``duration`` seconds.

    The questions cycle through a fixed list, so the query-embedding cache serves most of them (as it
    would for a site's recurring questions); ``distinct`` makes every message unique: the cold-cache case.
    """
    latencies: list[float] = []
    errors: dict[str, int] = {}
    stop_at = time.perf_counter() + duration

    async def client(n: int, http: httpx.AsyncClient) -> None:
        i = n
        session: str | None = f"bench-{n}"
        while time.perf_counter() < stop_at:
            if fresh_sessions:
                session = None
            started = time.perf_counter()
            try:
                message = questions[i % len(questions)]
                if distinct:
                    message = f"{message}（第{n}-{i}问）"
                r = await http.post("/api/chat", json={"message": message, "session_id": session})
                ok = r.status_code == 200 and "answer" in r.json()
                key = "ok" if ok else f"http {r.status_code}"
            except httpx.HTTPError as e:
                key = type(e).__name__
            if key == "ok":
                latencies.append(time.perf_counter() - started)
            else:
                errors[key] = errors.get(key, 0) + 1
            i += 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        began = time.perf_counter()
        await asyncio.gather(*(client(n, http) for n in range(concurrency)))
        elapsed = time.perf_counter() - began
    return {
        "url": url,
        "concurrency": concurrency,
        "distinct_messages": distinct,
        "fresh_sessions": fresh_sessions,
        "duration_s": round(elapsed, 1),
        "requests": len(latencies),
        "errors": errors,
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "requests_per_s_per_core": round(len(latencies) / elapsed / (os.cpu_count() or 1), 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 95) * 1000, 1) if latencies else None,
        "max_ms": round(max(latencies) * 1000, 1) if latencies else None,
    }


def main() -> int:
    """Run the benchmark and print one JSON line; exit 1 on any error."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--distinct", action="store_true", help="every message unique (no query-cache hits)")
    parser.add_argument("--fresh-sessions", action="store_true", help="a new session per message")
    parser.add_argument("--url", default=None, help="an already running server on 127.0.0.1")
    parser.add_argument("--port", type=int, default=None, help="port for the server started here (default: a free one)")
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("CREDITBOT_DATA_DIR", "./data")))
    parser.add_argument("--questions", type=Path, default=None,
                        help="ask the first message of each case of this eval-format .jsonl instead of the built-in eight")
    args = parser.parse_args()
    questions = QUESTIONS
    if args.questions is not None:
        cases = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
        questions = [(c.get("turns") or [c["question"]])[0] for c in cases]
    if not 1 <= args.concurrency <= 64 or not 1 <= args.duration <= 600:
        parser.error("concurrency must be 1-64 and duration 1-600 s")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    with tempfile.TemporaryDirectory(prefix="creditbot-bench-") as tmp:
        proc = None
        url = args.url
        timings: dict[str, float] = {}
        if url is None:
            proc, url = start_server(args.data_dir, Path(tmp), timings, args.port)
        elif urlsplit(url).hostname not in ("127.0.0.1", "localhost"):
            parser.error("only a loopback server may be loaded (127.0.0.1)")
        try:
            httpx.post(f"{url}/api/chat", json={"message": QUESTIONS[0]}, timeout=120)  # warm caches
            cpu_before = cpu_seconds(proc.pid) if proc is not None else 0.0
            result = asyncio.run(run_load(url, args.concurrency, args.duration, args.distinct, args.fresh_sessions,
                                       questions))
            result.update(timings)
            if proc is not None and result["requests"]:
                # the server's CPU per request: steadier than req/s on a shared machine (others' load
                # stretches the wall clock, not the work), and 1000 / it is the req/s one free core would give
                cpu_ms = (cpu_seconds(proc.pid) - cpu_before) * 1000 / int(result["requests"])  # type: ignore[call-overload]
                result["server_cpu_ms_per_request"] = round(cpu_ms, 2)
                result["server_rss_mb"] = server_rss_mb(proc.pid)
                time.sleep(IDLE_S)  # the encoder hands freed buffers back after a second without work
                result["server_rss_mb_idle"] = server_rss_mb(proc.pid)
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(20)
    print(json.dumps(result, ensure_ascii=False))
    return 1 if result["errors"] or not result["requests"] else 0


if __name__ == "__main__":
    sys.exit(main())
