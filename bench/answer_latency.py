"""Latency of ``Assistant.answer()`` over the public eval questions, and ingest time of the bundled corpus.

Usage: ``.venv/bin/python bench/answer_latency.py [--rounds N] [--questions FILE.jsonl]``

Ingests the bundled articles into a fresh temp data dir (timed), loads the model once, warms up,
then answers every question ``rounds`` times, each in a fresh session (``--distinct``: each time as a
new text, so the query cache never answers). Target: p95 <= 30 ms on two
cores, offline. Tool questions run against an address where nothing listens (the tools fail fast).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

DEFAULT_QUESTIONS = ROOT.parent / "shared" / "eval" / "public.jsonl"


def _questions(path: Path) -> list[list[str]]:
    if not path.exists():
        path = ROOT / "tests" / "data" / "heldout.jsonl"
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [c.get("turns") or [c["question"]] for c in cases]


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def main() -> int:
    """Run the benchmark and print one line per figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--data-dir", type=Path, default=None, help="reuse an ingested data dir (skips the ingest)")
    parser.add_argument("--distinct", action="store_true",
                        help="number every message per round, so no question is seen twice (no cache hits)")
    args = parser.parse_args()

    from bot.assistant import build_assistant
    from bot.config import Settings
    from bot.messages import Session
    from bot.web.server import warm_rest
    from ingest.pipeline import ingest_paths
    from knowledge.index import KnowledgeBase

    conversations = _questions(args.questions)
    with tempfile.TemporaryDirectory(prefix="creditbot-bench-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        settings = Settings(_env_file=None, data_dir=data_dir, service_url=_dead_url(), llm_base_url=None, llm_model=None,
                            store_url=f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        if args.data_dir is None:
            started = time.perf_counter()
            report = ingest_paths(KnowledgeBase(data_dir, embedding_model=settings.embedding_model,
                                                model_cache_dir=settings.model_cache_dir))
            print(f"ingest: {time.perf_counter() - started:.1f} s ({report.summary()})")

        started = time.perf_counter()
        assistant = build_assistant(settings)
        warm_rest()  # what a ready server has loaded in the background (the tool imports)
        for turns in conversations[:3]:  # warm-up: model, index, composer
            session = Session("warm-up")
            for message in turns:
                assistant.answer(message, session)
        print(f"load + warm-up: {time.perf_counter() - started:.1f} s")

        timings: list[float] = []
        cpu: list[float] = []  # the process's CPU (every thread, the encoder's included): steadier on a busy machine
        for round_no in range(args.rounds):
            for turns in conversations:
                session = Session("bench")
                for message in turns:
                    if args.distinct:
                        message = f"{message}（{round_no}）"
                    t0, c0 = time.perf_counter(), time.process_time()
                    assistant.answer(message, session)
                    timings.append((time.perf_counter() - t0) * 1000)
                    cpu.append((time.process_time() - c0) * 1000)
    timings.sort()
    cpu.sort()
    p95 = timings[min(len(timings) - 1, int(0.95 * len(timings)))]
    print(f"answer(): n={len(timings)} p50 {statistics.median(timings):.1f} ms  p95 {p95:.1f} ms  "
          f"max {timings[-1]:.1f} ms  (target p95 <= 30 ms); CPU p50 {statistics.median(cpu):.1f} ms  "
          f"p95 {cpu[min(len(cpu) - 1, int(0.95 * len(cpu)))]:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
