"""Keyword-only queries of the credit service; routes and tests call these, never raw SQL."""

from __future__ import annotations

import re
import threading
import time
import weakref
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tools.calculators import Ledger, LedgerInvoice, ledger
from tools.names import NameIndex
from tools.service.db import BuyerRow, InvoiceRow

LOOSE = 0.65  # a slip or a homophone in the trade name, with more of the name typed right
INDEX_TTL_S = 60.0
_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # engine -> (key, built at, index)
_INDEX_LOCK = threading.Lock()

# Legal-form suffixes users leave out; stripped from queries so "宁波恒丰化工有限公司" and "宁波恒丰" both match.
_LEGAL_SUFFIX = re.compile(
    r"(股份有限公司|有限责任公司|有限公司|集团公司|公司|集团|"
    r"\bco\.?,?\s*ltd\.?|\bltd\.?|\bllc\b|\bgmbh\b|\binc\.?|\bcorp\.?|\bplc\b|\bs\.?a\.?\b)",
    re.IGNORECASE,
)


def normalize_name(text: str) -> str:
    """Lower-case, legal suffixes and punctuation removed (for ranking)."""
    text = _LEGAL_SUFFIX.sub(" ", text.casefold())
    return re.sub(r"[\s,.，。()（）\-]+", "", text)


def _tokens(query: str) -> list[str]:
    stripped = _LEGAL_SUFFIX.sub(" ", query)
    return [t for t in re.split(r"[\s,，、]+", stripped) if t.strip(".")]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def get_buyer(*, session: Session, buyer_id: str) -> BuyerRow | None:
    """The buyer with this id (case-insensitive), or ``None``."""
    row = session.get(BuyerRow, buyer_id)
    if row is None:
        row = session.scalars(select(BuyerRow).where(BuyerRow.buyer_id == buyer_id.upper())).first()
    return row


def search_buyers(*, session: Session, query: str, limit: int = 10) -> list[tuple[BuyerRow, float]]:
    """Buyers matching an id, a USCC or (part of) a name, best first, with a score in (0, 1]."""
    query = query.strip()
    if not query:
        return []
    exact = get_buyer(session=session, buyer_id=query)
    if exact is None and len(query) == 18:
        exact = session.scalars(select(BuyerRow).where(BuyerRow.uscc == query.upper())).first()
    if exact is not None:
        return [(exact, 1.0)]
    tokens = _tokens(query)
    if not tokens:
        return []
    ranked = _containing(session, query, tokens)
    return ranked[:limit] if ranked else _sounding_alike(session, query, limit)


def _containing(session: Session, query: str, tokens: list[str]) -> list[tuple[BuyerRow, float]]:
    """Buyers whose name contains every word of the query, closest first."""
    conditions = [BuyerRow.name.ilike(f"%{_escape_like(t)}%", escape="\\") for t in tokens]
    # Shorter names first: with many buyers, the closest matches are among the first 200.
    rows = session.scalars(
        select(BuyerRow).where(*conditions).order_by(func.length(BuyerRow.name), BuyerRow.buyer_id).limit(200)
    ).all()
    wanted = normalize_name(query)
    ranked = [(row, _score(normalize_name(row.name), wanted)) for row in rows]
    ranked.sort(key=lambda pair: (-pair[1], pair[0].name))
    return ranked


def _sounding_alike(session: Session, query: str, limit: int) -> list[tuple[BuyerRow, float]]:
    """Buyers the query names with a slip, a homophone or in pinyin (:mod:`tools.names`), more than the trade
    name alone being found; scored below any name that contains the query."""
    if len(query) > 100:
        return []
    hits = [h for h in _name_index(session).find(query) if h.score >= LOOSE and not h.alone][:limit]
    wanted = select(BuyerRow).where(BuyerRow.buyer_id.in_([h.buyer_id for h in hits]))
    rows = {r.buyer_id: r for r in session.scalars(wanted)}
    return [(rows[h.buyer_id], round(0.3 * h.score, 3)) for h in hits if h.buyer_id in rows]


def _name_index(session: Session) -> NameIndex:
    """The directory's name index for this database, rebuilt when the buyers change or after a minute."""
    bind = session.get_bind()
    count, latest = session.execute(select(func.count(), func.max(BuyerRow.updated))).one()
    key = (count, latest)
    with _INDEX_LOCK:
        cached = _INDEXES.get(bind)
        if cached is None or cached[0] != key or time.monotonic() - cached[1] > INDEX_TTL_S:
            rows = session.execute(select(BuyerRow.buyer_id, BuyerRow.name, BuyerRow.uscc)).all()
            cached = (key, time.monotonic(), NameIndex((r[0], r[1], r[2] or "") for r in rows))
            _INDEXES[bind] = cached
        return cached[2]


def _score(name: str, wanted: str) -> float:
    if name == wanted:
        return 0.95
    coverage = len(wanted) / max(len(name), 1)
    if name.startswith(wanted):
        return round(0.5 + 0.4 * coverage, 3)
    return round(0.3 + 0.4 * coverage, 3)


def list_buyers(*, session: Session, offset: int = 0, limit: int = 1000) -> list[BuyerRow]:
    """One page of the buyer directory, by id."""
    return list(session.scalars(select(BuyerRow).order_by(BuyerRow.buyer_id).offset(offset).limit(limit)))


def buyer_ledger(*, session: Session, buyer_id: str, as_of: date, period_days: int) -> Ledger:
    """The CONTRACT receivables figures of one (existing) buyer."""
    rows = session.scalars(
        select(InvoiceRow).where(InvoiceRow.buyer_id == buyer_id, InvoiceRow.issue_date <= as_of)
    ).all()
    invoices = (
        LedgerInvoice(r.issue_date, r.due_date, r.amount_cents, r.paid_cents or 0, r.paid_date) for r in rows
    )
    return ledger(invoices, as_of, period_days)


def existing_buyer_ids(*, session: Session, buyer_ids: set[str]) -> set[str]:
    """Which of ``buyer_ids`` are in the database."""
    found: set[str] = set()
    ids = sorted(buyer_ids)
    for i in range(0, len(ids), 500):
        found.update(session.scalars(select(BuyerRow.buyer_id).where(BuyerRow.buyer_id.in_(ids[i : i + 500]))))
    return found


def ping(*, session: Session) -> None:
    """Raise if the database does not answer."""
    session.execute(select(1)).one()


__all__ = ["buyer_ledger", "existing_buyer_ids", "get_buyer", "list_buyers", "normalize_name", "ping", "search_buyers"]
