"""Ingest and query at growing corpus sizes: chunks/s, query p50/p95, hit@3 and memory at each size.

The corpus is the bundled articles plus synthetic ones (:mod:`bench.synth_corpus`) up to each size.
Each size is ingested in a fresh data dir by one subprocess (chunks/s, model load excluded), then a
second, fresh subprocess opens that index and runs the held-out questions with the query cache off
(p50/p95 of ``KnowledgeBase.search``, wall and CPU time, the CPU being steadier on a shared machine; hit@3
of the bundled articles among the distractors; and its resident memory: the serving footprint at that size).

    .venv/bin/python bench/scale.py [--sizes 5,500,5000,10000] [--queries 40] [--stand-in-keys]

5,000 and 10,000 articles take hours on two shared cores (tens of thousands of chunks to embed at a few
chunks/s); ``make bench`` runs 5 and 500. ``--stand-in-keys`` gives every *stored* key a hashed
character-bigram vector instead of the encoder's (no model work at ingest), so the large sizes finish in
minutes: the query side is unchanged (the real encoder embeds each question, then the full search runs
over every key and chunk), so query p50/p95 and memory are real figures; chunks/s then measures ingest
*without* the encoder, and hit@3 means nothing (printed as -).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def stand_in_vectors(texts: list[str], dimension: int = 384) -> np.ndarray:
    """Unit rows of hashed character bigrams: the shape and sparsity of real keys, at no encoder cost."""
    out = np.zeros((len(texts), dimension), dtype=np.float32)
    for row, text in enumerate(texts):
        for pair in zip(text, text[1:], strict=False):
            out[row, zlib.crc32("".join(pair).encode("utf-8")) % dimension] += 1.0
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def ingest(size: int, data_dir: Path, corpus: Path, stand_in: bool = False) -> dict[str, float]:
    """Ingest the bundled articles plus ``size - 5`` synthetic ones; chunks/s without the model load."""
    from bench.synth_corpus import ARTICLES, write_corpus
    from knowledge.embedding import set_torch_threads
    from ingest.pipeline import ingest_paths
    from knowledge.index import KnowledgeBase

    set_torch_threads(os.cpu_count() or 1)  # as `creditbot ingest` does

    for path in ARTICLES.glob("*.txt"):
        shutil.copy(path, corpus / path.name)
    write_corpus(corpus, max(0, size - 5))
    kb = KnowledgeBase(data_dir)
    kb.embedder.load()
    if stand_in:
        kb.embedder._encode_raw = stand_in_vectors  # type: ignore[method-assign]  # noqa: SLF001
        kb.embedder.cache_queries = False  # FAQ keys too: no single text goes to the batcher's encoder
    started = time.perf_counter()
    report = ingest_paths(kb, [corpus])
    seconds = time.perf_counter() - started
    chunks = len(kb.chunks())
    return {"articles": size, "chunks": chunks, "ingest_s": round(seconds, 1), "chunks_per_s": round(chunks / seconds, 1),
            "failed": len(report.failed)}


def query(data_dir: Path, count: int) -> dict[str, float]:
    """p50/p95 of searches for the held-out questions (cache off), hit@3, and this process's memory."""
    from knowledge.index import KnowledgeBase

    cases = [json.loads(line) for line in (ROOT / "bench" / "heldout_questions.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()][:count]
    kb = KnowledgeBase(data_dir)
    kb.warm_up()
    kb.embedder.cache_queries = False
    times, cpu, hits = [], [], 0
    for case in cases:
        started, cpu_started = time.perf_counter(), time.process_time()
        found = kb.search(case["question"], k=8)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)  # every thread's: the encoder's too
        docs = list(dict.fromkeys(h.chunk.doc_id for h in found))[:3]
        hits += any(d.startswith(tuple(case["expect_sources"])) for d in docs)
    times.sort()
    cpu.sort()
    return {"query_p50_ms": round(statistics.median(times), 1),
            "query_p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1),
            "query_cpu_p50_ms": round(statistics.median(cpu), 1),
            "query_cpu_p95_ms": round(cpu[min(len(cpu) - 1, int(0.95 * len(cpu)))], 1),
            "hit3": round(hits / len(cases), 3), "rss_mb": _rss_mb()}


def _child(*args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    """Run every size and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5,500")
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--stand-in-keys", action="store_true", help="hashed vectors for stored keys (see above)")
    parser.add_argument("--ingest-one", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--query-one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ingest_one is not None:
        print(json.dumps(ingest(args.ingest_one, args.data_dir, args.data_dir / "corpus", args.stand_in_keys)))
        return 0
    if args.query_one:
        print(json.dumps(query(args.data_dir, args.queries)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    if any(not 5 <= s <= 20_000 for s in sizes):
        parser.error("sizes must be 5-20000 articles")
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="creditbot-scale-") as tmp:
            (Path(tmp) / "corpus").mkdir()
            row = _child("--ingest-one", str(size), "--data-dir", tmp, *(["--stand-in-keys"] if args.stand_in_keys else []))
            row.update(_child("--query-one", "--data-dir", tmp, "--queries", str(args.queries)))
            if args.stand_in_keys:
                row["hit3"] = "-"
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    if args.stand_in_keys:
        print("stored keys: stand-in vectors (ingest chunks/s without the encoder); questions: the real encoder")
    print("| articles | chunks | ingest chunks/s | query p50 ms | query p95 ms | p95 / p95 at smallest | "
          "query CPU p50 / p95 ms | hit@3 | RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        ratio = row["query_p95_ms"] / rows[0]["query_p95_ms"]
        print(f"| {row['articles']} | {row['chunks']} | {row['chunks_per_s']} | {row['query_p50_ms']} | "
              f"{row['query_p95_ms']} | {ratio:.1f} | {row['query_cpu_p50_ms']} / {row['query_cpu_p95_ms']} | "
              f"{row['hit3']} | {row['rss_mb']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
