"""``creditbot eval FILE.jsonl``: run an evaluation set through the real chat service and score it.

The case format is ``shared/eval/README.md``. Each case runs in a fresh session (``turns`` cases send
every message in one session and grade the last reply). Matching is on NFKC-normalised text with
Chinese numerals read as numbers (``90天`` = ``九十天``, ``120万`` = ``1200000``). The report gives
pass rates per category and overall, retrieval hit@1 / hit@3 / MRR against ``expect_sources`` and
latency percentiles.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import statistics
import tempfile
import threading
import time
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.messages import Caller, Incoming, Reply, hash_user
from knowledge.errors import InvalidMessage
from knowledge.numerals import CN_RUN, chinese_to_int

logger = logging.getLogger(__name__)

TOOL_CATEGORIES = {"dso_tool", "ratio_tool", "buyer_lookup", "buyer_receivables", "tool_plus_knowledge", "followup"}
SAMPLES = Path(__file__).resolve().parent.parent / "tools" / "service" / "samples"

_WAN = re.compile(r"(\d+(?:\.\d+)?)(万|亿)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


# --- matching ---------------------------------------------------------------------------------


def _plain_number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def normalize_text(text: str) -> str:
    """NFKC, lower case, no whitespace or thousands separators, numbers as Arabic digits."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)

    def cn(match: re.Match[str]) -> str:
        run = match.group(0)
        if all(c in "万亿" for c in run):
            return run
        value = chinese_to_int(run)
        return run if value is None else str(value)

    text = CN_RUN.sub(cn, text)
    return _WAN.sub(lambda m: _plain_number(float(m.group(1)) * (10_000 if m.group(2) == "万" else 100_000_000)), text)


def contains(answer: str, expected: str) -> bool:
    """True when ``expected`` occurs in ``answer`` after normalisation of both."""
    return normalize_text(expected) in normalize_text(answer)


# --- cases and grading ------------------------------------------------------------------------


@dataclass
class CaseResult:
    """The outcome of one case."""

    id: str
    category: str
    passed: bool
    status: str
    failures: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    source_rank: int | None = None  # 1-based rank of the first expected source; None: not found / not graded
    graded_sources: bool = False
    latency_ms: float = 0.0
    answer: str = ""
    first_ok: bool | None = None  # expect_first given: whether the first sentence carries one of its strings


def load_cases(path: Path) -> list[dict[str, Any]]:
    """The cases of a JSONL file; ``ValueError`` naming the line when one is malformed."""
    cases = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}:{n}: not JSON ({e.msg})") from e
        if not isinstance(case, dict) or not (case.get("question") or case.get("turns")):
            raise ValueError(f"{path}:{n}: a case needs 'question' or 'turns'")
        case.setdefault("id", f"line{n}")
        case.setdefault("category", "uncategorised")
        cases.append(case)
    return cases


def messages_of(case: dict[str, Any]) -> list[str]:
    """The messages a case sends, in order (the last one is graded)."""
    return list(case.get("turns") or [case["question"]])


def expected_status(case: dict[str, Any]) -> str | None:
    """``expect_status`` when given; ``no_answer`` for out_of_scope and uncovered, ``clarify`` for a DSO question giving fewer than two numbers."""
    if case.get("expect_status"):
        return str(case["expect_status"])
    if case["category"] in ("out_of_scope", "uncovered"):
        return "no_answer"
    if case["category"] == "dso_tool" and len(_NUMBER.findall(normalize_text(messages_of(case)[-1]))) < 2:
        return "clarify"
    return None


_SENTENCE_END = re.compile(r"[。！？!?\n]|\.(?=\s|$)")


def first_sentence(answer: str) -> str:
    """The answer up to its first full stop, question or exclamation mark, or line break."""
    match = _SENTENCE_END.search(answer.strip())
    return answer.strip()[: match.start()] if match else answer.strip()


def grade(case: dict[str, Any], reply: Reply, latency_ms: float = 0.0) -> CaseResult:
    """Check one reply against its case's conditions."""
    answer = reply.answer
    failures = [f"missing {s!r}" for s in case.get("expect_all", []) if not contains(answer, s)]
    if case.get("expect_any") and not any(contains(answer, s) for s in case["expect_any"]):
        failures.append(f"none of {case['expect_any']!r}")
    failures += [f"must not say {s!r}" for s in case.get("must_not", []) if contains(answer, s)]
    want = expected_status(case)
    if want and reply.status != want:
        failures.append(f"status {reply.status!r}, expected {want!r}")
    doc_ids = [s.doc_id for s in reply.sources]
    expected = case.get("expect_sources") or []
    rank = None
    if expected:
        rank = next((i for i, d in enumerate(doc_ids, start=1) if any(d.startswith(p) for p in expected)), None)
        if rank is None:
            failures.append(f"no source among {expected!r} (got {[d[:3] for d in doc_ids]!r})")
    return CaseResult(
        id=str(case["id"]),
        category=str(case["category"]),
        passed=not failures,
        status=reply.status,
        failures=failures,
        sources=doc_ids,
        source_rank=rank,
        graded_sources=bool(expected),
        latency_ms=round(latency_ms, 1),
        answer=answer,
        first_ok=(any(contains(first_sentence(answer), s) for s in case["expect_first"])
                  if case.get("expect_first") else None),
    )


def _retrieval(results: list[CaseResult]) -> dict[str, Any]:
    graded = [r for r in results if r.graded_sources]
    ranks = [r.source_rank for r in graded]
    if not graded:
        return {"cases": 0, "hit@1": None, "hit@3": None, "mrr": None}
    return {
        "cases": len(graded),
        "hit@1": round(sum(1 for k in ranks if k == 1) / len(graded), 4),
        "hit@3": round(sum(1 for k in ranks if k is not None and k <= 3) / len(graded), 4),
        "mrr": round(sum(1 / k for k in ranks if k) / len(graded), 4),
    }


def _percentile(values: list[float], share: float) -> float | None:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1) if ordered else None


def summarize(results: list[CaseResult]) -> dict[str, Any]:
    """Pass rates and retrieval hit@1/hit@3/MRR per category and overall, answer lengths, latency."""
    by_category: dict[str, list[CaseResult]] = {}
    for r in results:
        by_category.setdefault(r.category, []).append(r)
    categories = {}
    for name, rs in sorted(by_category.items()):
        passed = sum(r.passed for r in rs)
        categories[name] = {"passed": passed, "total": len(rs), "rate": round(passed / len(rs), 4),
                            "retrieval": _retrieval(rs)}
    lengths = [len(r.answer) for r in results if r.status == "answered"]
    firsts = [r.first_ok for r in results if r.first_ok is not None]
    latencies = [r.latency_ms for r in results]
    passed = sum(r.passed for r in results)
    return {
        "overall": {"passed": passed, "total": len(results), "rate": round(passed / len(results), 4) if results else 0.0},
        "categories": categories,
        "retrieval": _retrieval(results),
        "first_sentence": {"graded": len(firsts), "carries_answer": sum(firsts)},
        "answer_chars": {
            "answered": len(lengths),
            "median": statistics.median(lengths) if lengths else None,
            "max": max(lengths) if lengths else None,
        },
        "latency_ms": {
            "p50": round(statistics.median(latencies), 1) if latencies else None,
            "p95": _percentile(latencies, 0.95),
        },
        "cases": [asdict(r) for r in results],
    }


def format_report(summary: dict[str, Any], name: str = "") -> str:
    """The plain-text report ``creditbot eval`` prints for one set."""
    lines = [f"== {name}"] if name else []
    lines.append(f"{'category':<20}{'passed':>7}{'total':>6}{'rate':>7}   retrieval hit@1 hit@3   MRR")
    for cat, c in summary["categories"].items():
        lines.append(f"{cat:<20}{c['passed']:>7}{c['total']:>6}{c['rate']:>7.0%}   {_retrieval_cells(c['retrieval'])}")
    o = summary["overall"]
    lines.append(f"{'overall':<20}{o['passed']:>7}{o['total']:>6}{o['rate']:>7.0%}   {_retrieval_cells(summary['retrieval'])}")
    r = summary["retrieval"]
    if r["cases"]:
        lines.append(f"retrieval on {r['cases']} cases: hit@1 {r['hit@1']:.2f}  hit@3 {r['hit@3']:.2f}  MRR {r['mrr']:.2f}")
    first = summary["first_sentence"]
    if first["graded"]:
        lines.append(f"first sentence carries the answer (expect_first): {first['carries_answer']}/{first['graded']}")
    chars = summary["answer_chars"]
    if chars["answered"]:
        lines.append(f"answer length ({chars['answered']} answered): median {chars['median']:.0f}  max {chars['max']} chars")
    lat = summary["latency_ms"]
    if lat["p50"] is not None:
        lines.append(f"latency: p50 {lat['p50']:.0f} ms  p95 {lat['p95']:.0f} ms")
    failed = [c for c in summary["cases"] if not c["passed"]]
    if failed:
        lines.append("failed:")
        lines += [f"  {c['id']} [{c['category']}] {'; '.join(c['failures'])}" for c in failed]
    late = [c["id"] for c in summary["cases"] if c["first_ok"] is False]
    if late:
        lines.append("answer not in the first sentence: " + " ".join(late))
    return "\n".join(lines)


def _retrieval_cells(r: dict[str, Any]) -> str:
    if not r["cases"]:
        return f"{'-':>9}{'-':>6}{'-':>6}{'-':>6}"
    return f"{r['cases']:>9}{r['hit@1']:>6.2f}{r['hit@3']:>6.2f}{r['mrr']:>6.2f}"


# --- the credit service, when the tools need it ------------------------------------------------


def _reachable(url: str) -> bool:
    import httpx

    try:
        return httpx.get(url.rstrip("/") + "/healthz", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def credit_service(settings: Settings, workdir: Path) -> Iterator[str | None]:
    """The URL of a reachable credit service: the configured one, or one started here on loopback.

    A service started here runs in a thread with the sample CSVs in a temp SQLite database; None
    when it cannot be started (the tool cases then fail, the others still run).
    """
    if _reachable(settings.service_url):
        yield settings.service_url
        return
    try:
        import uvicorn

        from tools.service.importing import import_csv
        from tools.service.main import create_app
    except ImportError:
        logger.warning("the credit service is not available; tool cases will fail")
        yield None
        return
    database_url = f"sqlite:///{workdir / 'eval-service.sqlite3'}"
    for kind in ("buyers", "invoices"):
        import_csv(database_url, kind, SAMPLES / f"{kind}.csv")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(database_url), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}" if server.started else None
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# --- running ---------------------------------------------------------------------------------


def evaluate(cases: list[dict[str, Any]], settings: Settings) -> list[CaseResult]:
    """Run every case through a real chat service built from ``settings``."""
    from bot.chat import build_chat_service, open_knowledge_base

    knowledge = open_knowledge_base(settings)
    if not knowledge.ready():
        logger.info("the index is empty: ingesting the bundled articles first")
        from ingest.pipeline import ingest_paths

        ingest_paths(knowledge)
    service = build_chat_service(settings)
    caller = Caller(channel="eval", user_hash=hash_user("eval", "eval"), may_lookup_buyers=True)
    results = []
    for case in cases:
        session_id = f"eval-{case['id']}-{uuid.uuid4().hex[:8]}"
        reply: Reply | None = None
        started = time.perf_counter()
        for message in messages_of(case):
            started = time.perf_counter()
            try:
                reply = service.handle(Incoming(message, session_id, caller))
            except InvalidMessage as e:  # what the HTTP API answers with a 4xx
                reply = Reply(answer=str(e), status="invalid")
        assert reply is not None
        results.append(grade(case, reply, (time.perf_counter() - started) * 1000))
    return results


def run_eval(paths: Path | list[Path], settings: Settings, as_json: bool = False) -> int:
    """``creditbot eval``: print the scores of each set in ``paths``; 0 when every case ran, 2 on a bad file.

    With ``as_json`` one JSON object is printed: the summary itself for one set, else ``{set name: summary}``.
    """
    paths = [paths] if isinstance(paths, Path) else list(paths)
    try:
        sets = {path.stem: load_cases(path) for path in paths}
    except (OSError, ValueError) as e:
        print(f"creditbot eval: {e}")
        return 2
    summaries = {}
    with tempfile.TemporaryDirectory(prefix="creditbot-eval-") as tmp:
        workdir = Path(tmp)
        overrides: dict[str, Any] = {"store_url": f"sqlite:///{workdir / 'eval-conversations.sqlite3'}"}
        needs_service = any(c["category"] in TOOL_CATEGORIES for cases in sets.values() for c in cases)
        with credit_service(settings, workdir) if needs_service else _nothing() as url:
            if url:
                overrides["service_url"] = url
            for name, cases in sets.items():
                summaries[name] = summarize(evaluate(cases, settings.model_copy(update=overrides)))
    if as_json:
        print(json.dumps(next(iter(summaries.values())) if len(summaries) == 1 else summaries, ensure_ascii=False))
    else:
        print("\n\n".join(format_report(summary, name if len(summaries) > 1 else "") for name, summary in summaries.items()))
    return 0


@contextmanager
def _nothing() -> Iterator[None]:
    yield None
