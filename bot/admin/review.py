"""What the console reads from the conversation log: the review queue, the overview, citation counts.

The review queue holds ``no_answer`` replies and 👎 feedback, grouped by meaning (the knowledge base's
query encoder; by normalised text when no encoder is at hand), biggest group first.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.store import aware, conversation_log, feedback

Encoder = Callable[[str], np.ndarray]
GROUP_COSINE = 0.92  # two questions closer than this ask the same thing (e5 query-query cosine)
QUEUE_LIMIT = 500


_NOISE = re.compile(r"[\s，。！？、,.!?;；:：\"'“”‘’（）()]+")


def normalize_question(text: str) -> str:
    """Group trivially different phrasings: no punctuation or spaces, lower case."""
    return _NOISE.sub("", text or "").lower()


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) by nearest rank; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def summarize(log: list[dict[str, Any]], feedback: list[dict[str, Any]], top: int = 20) -> dict[str, Any]:
    """The report's figures from log rows (newest first) and feedback rows."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in log:
        groups.setdefault(normalize_question(row.get("question") or ""), []).append(row)
    top_questions = sorted(groups.values(), key=len, reverse=True)[:top]
    unanswered = Counter(
        normalize_question(r["question"] or "") for r in log if r.get("status") == "no_answer"
    )
    latencies = [r["latency_ms"] for r in log if r.get("latency_ms") is not None]
    return {
        "total": len(log),
        "top_questions": [
            {"question": rows[0]["question"], "count": len(rows),
             "statuses": dict(Counter(r["status"] for r in rows))}
            for rows in top_questions
        ],
        "no_answer": [
            {"question": groups[norm][0]["question"], "count": n} for norm, n in unanswered.most_common(top)
        ],
        "by_channel": dict(Counter(r.get("channel") or "?" for r in log)),
        "by_status": dict(Counter(r.get("status") or "?" for r in log)),
        "latency_ms": {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95)},
        "feedback": {
            "up": sum(1 for f in feedback if f["rating"] > 0),
            "down": sum(1 for f in feedback if f["rating"] < 0),
            "comments": [
                {"rating": f["rating"], "comment": f["comment"], "question": f["question"],
                 "answer": f["answer"], "created_at": str(f["created_at"])}
                for f in feedback if f.get("comment")
            ][:100],
        },
    }


def _aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else aware(moment)


def queue_items(engine: Engine, done: set[str]) -> list[dict[str, Any]]:
    """``no_answer`` replies and 👎 feedback not yet marked done, newest first."""
    log = conversation_log.c
    with engine.connect() as conn:
        unanswered = conn.execute(
            select(log.reply_id, log.session_id, log.channel, log.question, log.answer, log.status, log.sources,
                   log.created_at)
            .where(log.status == "no_answer").order_by(log.created_at.desc()).limit(QUEUE_LIMIT)
        ).mappings().all()
        disliked = conn.execute(
            select(log.reply_id, log.session_id, log.channel, log.question, log.answer, log.status, log.sources,
                   log.created_at, feedback.c.comment)
            .join(feedback, feedback.c.reply_id == log.reply_id)
            .where(feedback.c.rating < 0).order_by(log.created_at.desc()).limit(QUEUE_LIMIT)
        ).mappings().all()
    items: dict[str, dict[str, Any]] = {}
    for row, reason in [(r, "no_answer") for r in unanswered] + [(r, "thumbs_down") for r in disliked]:
        if row["reply_id"] in done:
            continue
        item = items.setdefault(row["reply_id"], {
            "reply_id": row["reply_id"], "session_id": row["session_id"], "channel": row["channel"],
            "question": row["question"] or "", "answer": row["answer"] or "", "status": row["status"],
            "sources": list(row["sources"] or []), "at": _aware(row["created_at"]).isoformat(),
            "reasons": [], "comment": "",
        })
        if reason not in item["reasons"]:
            item["reasons"].append(reason)
        item["comment"] = item["comment"] or (row.get("comment") or "")
    return sorted(items.values(), key=lambda i: i["at"], reverse=True)


def group_items(items: list[dict[str, Any]], encode: Encoder | None) -> list[dict[str, Any]]:
    """Items grouped by similar question: ``[{question, count, items}]``, biggest group first."""
    groups: list[dict[str, Any]] = []
    keys: list[Any] = []
    for item in items:
        key: Any = encode(item["question"]) if encode else normalize_question(item["question"])
        for index, other in enumerate(keys):
            close = float(np.dot(key, other)) >= GROUP_COSINE if encode else key == other
            if close:
                groups[index]["items"].append(item)
                break
        else:
            keys.append(key)
            groups.append({"question": item["question"], "items": [item]})
    for group in groups:
        group["count"] = len(group["items"])
        group["reply_ids"] = [i["reply_id"] for i in group["items"]]
    return sorted(groups, key=lambda g: g["count"], reverse=True)


def conversation(engine: Engine, session_id: str, limit: int = 50) -> list[dict[str, Any]]:
    """The logged exchanges of one session, oldest first."""
    log = conversation_log.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(log.reply_id, log.question, log.answer, log.status, log.created_at)
            .where(log.session_id == session_id).order_by(log.created_at.desc()).limit(limit)
        ).mappings().all()
    return [{**dict(r), "created_at": _aware(r["created_at"]).isoformat()} for r in reversed(rows)]


def citations_since(log: list[dict[str, Any]], days: int = 7) -> Counter[str]:
    """How often each doc id was cited in the last ``days`` days (log rows newest first)."""
    since = datetime.now(UTC) - timedelta(days=days)
    counts: Counter[str] = Counter()
    for row in log:
        at = _aware(row.get("created_at"))
        if at is None or at < since:
            break
        counts.update(set(row.get("sources") or []))
    return counts


def overview(log: list[dict[str, Any]], ratings: list[dict[str, Any]]) -> dict[str, Any]:
    """The report's figures plus per-day and per-channel series for the console's charts."""
    summary = summarize(log, ratings)
    per_day: dict[str, Counter[str]] = defaultdict(Counter)
    per_channel: dict[str, Counter[str]] = defaultdict(Counter)
    latency_day: dict[str, list[float]] = defaultdict(list)
    for row in log:
        at = _aware(row.get("created_at"))
        day = at.date().isoformat() if at else "?"
        status = row.get("status") or "?"
        per_day[day][status] += 1
        per_channel[row.get("channel") or "?"][status] += 1
        if row.get("latency_ms") is not None:
            latency_day[day].append(float(row["latency_ms"]))
    answered = summary["by_status"].get("answered", 0)
    summary["answer_rate"] = answered / summary["total"] if summary["total"] else None
    summary["per_day"] = [
        {"day": day, "total": sum(c.values()), "answered": c.get("answered", 0), "no_answer": c.get("no_answer", 0),
         "latency_ms": sum(latency_day[day]) / len(latency_day[day]) if latency_day[day] else None}
        for day, c in sorted(per_day.items())
    ]
    summary["per_channel"] = [
        {"channel": channel, "total": sum(c.values()), "answered": c.get("answered", 0)}
        for channel, c in sorted(per_channel.items())
    ]
    return summary
