"""Where the milliseconds of a chat request go: a sampling profile of ``ChatService.handle`` under load.

Runs ``--threads`` request threads in process (as the server's thread pool does) on distinct questions for
``--count`` requests, while a sampler thread reads every thread's Python stack every ``--interval-ms``.
Each sample is charged to the first stage found walking out from the innermost frame (the encoder, the
vector store, the lexical scorer, composition, the conversation store, ...); a thread parked in a wait is
"waiting" (for a batch to be encoded, a lock, the GIL-free native code of another thread). The table
gives each stage's share of the busy samples and thread-milliseconds per request.

``--code DIR`` profiles another checkout (say ``/work/main``, for the "before" column) with the same
stage names, since stages are recognised by file path.

    .venv/bin/python bench/request_profile.py --data-dir DATA [--count 200] [--threads 8] [--code /work/main]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (path fragment, stage); the first match walking out from the innermost frame wins
STAGES = [
    ("onnx_model.py", "encode (onnxruntime)"), ("unigram.py", "encode (tokenizer)"),
    ("sentence_transformers", "encode (torch)"), ("torch/", "encode (torch)"), ("transformers/", "encode (torch)"),
    ("tokenizers", "encode (tokenizer)"), ("/chromadb/", "vector store (chromadb)"),
    ("/jieba/", "lexical (jieba, BM25)"), ("knowledge/lexical.py", "lexical (jieba, BM25)"),
    ("knowledge/terms.py", "lexical (jieba, BM25)"), ("knowledge/answering.py", "composition"),
    ("knowledge/sentences.py", "composition"), ("knowledge/conflicts.py", "composition"),
    ("/sqlalchemy/", "conversation store (SQL)"), ("bot/store.py", "conversation store (SQL)"),
    ("knowledge/index.py", "retrieval (fusion, ranking)"), ("knowledge/retriever.py", "retrieval (fusion, ranking)"),
    ("knowledge/", "other knowledge code"), ("bot/", "bot pipeline"), ("/logging/", "logging"),
]
WAITS = ("wait", "get", "result", "acquire", "_wait_for_tstate_lock")


def _stage(frame: object) -> str:
    code = frame.f_code
    if code.co_name in WAITS and any(m in code.co_filename for m in ("threading", "queue", "concurrent")):
        return "waiting"
    while frame is not None:
        path = frame.f_code.co_filename
        for fragment, stage in STAGES:
            if fragment in path:
                return stage
        frame = frame.f_back
    return "other (stdlib, numpy)"


def _questions(count: int) -> list[str]:
    base = [json.loads(line)["question"] for line in (ROOT / "bench" / "heldout_questions.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    return [f"{base[i % len(base)]}（第{i}问）" for i in range(count)]


def main() -> int:
    """Profile and print the table (Markdown) and one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="an ingested data dir")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--interval-ms", type=float, default=2.0)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to profile")
    parser.add_argument("--model", default=None, help="CREDITBOT_EMBEDDING_MODEL for this run")
    args = parser.parse_args()
    if not 1 <= args.count <= 5000 or not 1 <= args.threads <= 64:
        parser.error("count must be 1-5000 and threads 1-64")
    sys.path.insert(0, str(args.code.resolve()))
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from bot.chat import build_chat_service
    from bot.config import Settings
    from bot.messages import Incoming

    with tempfile.TemporaryDirectory(prefix="creditbot-profile-") as tmp:
        extra = {"embedding_model": args.model} if args.model else {}
        settings = Settings(_env_file=None, data_dir=args.data_dir, store_url=f"sqlite:///{tmp}/c.sqlite3",
                            llm_base_url=None, llm_model=None, **extra)
        chat = build_chat_service(settings)
        questions = _questions(args.count + 1)
        chat.handle(Incoming(questions.pop()))  # load everything (model, index) before measuring
        samples: Counter[str] = Counter()
        stop = threading.Event()
        workers: set[int] = set()

        def sample() -> None:
            while not stop.wait(args.interval_ms / 1000):
                names = {t.ident: t.name for t in threading.enumerate()}
                for ident, frame in sys._current_frames().items():  # noqa: SLF001 - the sampler's input
                    if ident in workers:
                        samples[_stage(frame)] += 1
                    elif names.get(ident) == "creditbot-encoder" and (stage := _stage(frame)) != "waiting":
                        samples[stage] += 1  # the batcher's thread: charged only while it encodes

        def work(part: list[str]) -> None:
            workers.add(threading.get_ident())
            for q in part:
                chat.handle(Incoming(q))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        began = time.perf_counter()
        threads = [threading.Thread(target=work, args=(questions[i :: args.threads],)) for i in range(args.threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - began
        stop.set()
    busy = sum(v for k, v in samples.items() if k != "waiting") or 1
    print(f"{args.count} distinct requests, {args.threads} threads, {wall:.1f} s wall, "
          f"{args.count / wall:.1f} req/s, code {args.code}")
    print("| stage | share of busy samples | thread-ms per request |")
    print("|---|---|---|")
    for stage, n in samples.most_common():
        share = "" if stage == "waiting" else f"{100 * n / busy:.0f}%"
        print(f"| {stage} | {share} | {n * args.interval_ms / args.count:.1f} |")
    print(json.dumps({"requests_per_s": round(args.count / wall, 1), "samples": dict(samples)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
