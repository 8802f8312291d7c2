"""What one ``Assistant.answer()`` costs in CPU and encoder calls, over the public + dev questions as unseen text.

On a shared machine wall clock swings 2-4x with the neighbours; CPU time does not. Each message is sent once
(``--rounds N``: N times) as unseen text, in a fresh session (multi-turn cases keep theirs), one after another:
the encoder's query cache is emptied before each answer rather than the message numbered, since a number
added to a message ("...吗？（3）") makes its asking clause a second search variant that real messages do not
have (``--numbered`` does that instead, as ``answer_latency.py --distinct`` does). For each answer the bench
reads the CPU of the whole process (``time.process_time``: the encoder thread included), the CPU of the
answering thread (``time.thread_time``: everything but the encoder) and the encoder calls and texts (single
queries through the micro-batcher, lists straight to the encoder).
Before that it reads the CPU of building the assistant and answering once (what a server pays to start).

``--code DIR`` runs another checkout (the "before" column); ``--profile FILE`` writes a cProfile of the
measured answers. Tool questions run against an address where nothing listens (the tools fail fast).

    .venv/bin/python bench/answer_cost.py --data-dir DATA [--code DIR] [--profile OUT.prof]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = [ROOT.parent / "shared" / "eval" / "public.jsonl", ROOT.parent / "shared" / "eval" / "dev.jsonl"]


def _conversations(paths: list[Path]) -> list[list[str]]:
    cases = [json.loads(line) for p in paths for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [c.get("turns") or [c["question"]] for c in cases]


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


class _Counted:
    """Wraps an encode function, counting its calls and texts."""

    def __init__(self, encode: Callable) -> None:
        self.encode, self.calls, self.texts = encode, 0, 0

    def __call__(self, texts: list[str], **options: object):  # noqa: ANN204 - whatever the encoder returns
        self.calls += 1
        self.texts += len(texts)
        return self.encode(texts, **options)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def main() -> int:
    """Answer every message once and print the figures, then one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="an ingested data dir")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to measure")
    parser.add_argument("--questions", type=Path, nargs="*", default=SETS)
    parser.add_argument("--rounds", type=int, default=1, help="answer every message this many times (new text each)")
    parser.add_argument("--numbered", action="store_true", help="number each message instead of emptying the cache")
    parser.add_argument("--profile", type=Path, default=None, help="write a cProfile of the last round's answers here")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from bot.assistant import build_assistant
    from bot.config import Settings
    from bot.messages import Session

    conversations = _conversations(args.questions)
    with tempfile.TemporaryDirectory(prefix="creditbot-cost-") as tmp:
        settings = Settings(_env_file=None, data_dir=args.data_dir, service_url=_dead_url(), llm_base_url=None,
                            llm_model=None, store_url=f"sqlite:///{Path(tmp) / 'cost.sqlite3'}")
        cpu0 = time.process_time()
        assistant = build_assistant(settings)
        embedder = assistant.library.knowledge.embedder
        single = embedder.batcher._encode = _Counted(embedder.batcher._encode)  # noqa: SLF001 - counted
        lists = embedder._encode_raw = _Counted(embedder._encode_raw)  # noqa: SLF001 - counted
        assistant.answer("信用保险是什么？（启动）", Session("warm-up"))
        start_cpu = time.process_time() - cpu0
        for turns in conversations[:3]:  # warm-up: lazy imports of the tool side
            session = Session("warm-up")
            for message in turns:
                assistant.answer(f"{message}（预热）", session)

        process_ms: list[float] = []
        thread_ms: list[float] = []
        calls_before, texts_before = single.calls + lists.calls, single.texts + lists.texts
        profiler = cProfile.Profile() if args.profile else None
        for round_no, turns in ((r, t) for r in range(args.rounds) for t in conversations):
            session = Session("bench")
            profiling = profiler if round_no == args.rounds - 1 else None
            for message in turns:
                if not args.numbered:
                    embedder._query_cache.clear()  # noqa: SLF001 - every question unseen
                p0, t0 = time.process_time(), time.thread_time()
                if profiling:
                    profiling.enable()
                assistant.answer(f"{message}（测{round_no}）" if args.numbered else message, session)
                if profiling:
                    profiling.disable()
                thread_ms.append((time.thread_time() - t0) * 1000)
                process_ms.append((time.process_time() - p0) * 1000)
        if profiler:
            profiler.dump_stats(args.profile)
    n = len(process_ms)
    calls = single.calls + lists.calls - calls_before
    texts = single.texts + lists.texts - texts_before
    print(f"code {args.code}: {n} answers; build + first answer {start_cpu:.2f} s CPU")
    print(f"process CPU per answer: mean {statistics.mean(process_ms):.1f} ms, "
          f"p50 {statistics.median(process_ms):.1f}, "
          f"p95 {_p95(process_ms):.1f}")
    print(f"answering thread CPU: mean {statistics.mean(thread_ms):.1f} ms, p50 {statistics.median(thread_ms):.1f}, "
          f"p95 {_p95(thread_ms):.1f}")
    print(f"encoder: {calls} calls, {texts} texts ({texts / n:.2f} per answer)")
    figures = {"answers": n, "start_cpu_s": round(start_cpu, 2), "encoder_calls": calls, "encoder_texts": texts}
    for name, values in (("process", process_ms), ("thread", thread_ms)):
        figures |= {f"{name}_mean_ms": round(statistics.mean(values), 2), f"{name}_p95_ms": round(_p95(values), 2)}
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
