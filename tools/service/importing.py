"""Loading buyers and invoices from CSV: every bad line reported, nothing half-written, upsert by id.

The whole file is validated first; only a file without errors is written, in one transaction.
Re-importing the same file changes nothing (rows are upserted by ``buyer_id`` / ``invoice_id``).
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.exc import SQLAlchemyError

from tools.service import crud
from tools.service.db import BuyerRow, InvoiceRow, make_engine, make_sessionmaker
from tools.uscc import uscc_problem

logger = logging.getLogger(__name__)

Kind = Literal["buyers", "invoices"]
HEADERS: dict[str, list[str]] = {
    "buyers": ["buyer_id", "name", "country", "uscc", "industry", "grade", "status", "credit_limit_cny",
               "avg_days_late", "updated"],
    "invoices": ["invoice_id", "buyer_id", "issue_date", "due_date", "amount_cny", "paid_cny", "paid_date"],
}
STATUSES = ("active", "watch", "insolvent")


@dataclass
class ImportReport:
    """What an import did, or every reason it refused the file."""

    kind: str
    path: Path
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file was valid and written."""
        return not self.errors

    def summary(self) -> str:
        """A few lines for the command line."""
        if self.ok:
            return (
                f"{self.path}: imported {self.rows} {self.kind} "
                f"({self.inserted} new, {self.updated} updated or unchanged)"
            )
        lines = [f"{self.path}: {len(self.errors)} error(s), nothing imported"]
        lines += [f"  line {line}: {message}" if line else f"  {message}" for line, message in self.errors]
        return "\n".join(lines)


class _RowError(ValueError):
    pass


def _date(value: str, column: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise _RowError(f"{column} {value!r} is not an ISO date (YYYY-MM-DD)") from e


def _cents(value: str, column: str) -> int:
    try:
        amount = Decimal(value)
    except InvalidOperation as e:
        raise _RowError(f"{column} {value!r} is not a number") from e
    if not amount.is_finite():
        raise _RowError(f"{column} {value!r} is not a number")
    if amount < 0:
        raise _RowError(f"{column} must not be negative (got {value})")
    if amount != amount.quantize(Decimal("0.01")):
        raise _RowError(f"{column} {value!r} has more than two decimals")
    return int(amount * 100)


def _int(value: str, column: str, low: int, high: int | None = None) -> int:
    try:
        number = int(value)
    except ValueError as e:
        raise _RowError(f"{column} {value!r} is not a whole number") from e
    if number < low or (high is not None and number > high):
        raise _RowError(f"{column} must be {low}-{high} (got {number})" if high else f"{column} must be >= {low}")
    return number


def _buyer(row: dict[str, str]) -> dict[str, Any]:
    problems: list[str] = []
    values: dict[str, Any] = {}
    if not row["buyer_id"]:
        problems.append("buyer_id is empty")
    if not row["name"]:
        problems.append("name is empty")
    uscc = row["uscc"].upper()
    if uscc and (why := uscc_problem(uscc)):
        problems.append(why)
    if not uscc and row["country"].upper() in ("CN", "CHN", "中国"):
        problems.append("uscc is required for a Chinese buyer")
    if row["status"] not in STATUSES:
        problems.append(f"status {row['status']!r} is not one of {', '.join(STATUSES)}")
    for key, parse in (
        ("grade", lambda v: _int(v, "grade", 1, 10)),
        ("credit_limit_cents", lambda _: _cents(row["credit_limit_cny"], "credit_limit_cny")),
        ("avg_days_late", lambda v: _int(v, "avg_days_late", 0)),
        ("updated", lambda v: _date(v, "updated")),
    ):
        try:
            values[key] = parse(row.get(key, ""))
        except _RowError as e:
            problems.append(str(e))
    if problems:
        raise _RowError("; ".join(problems))
    return {**values, "buyer_id": row["buyer_id"], "name": row["name"], "country": row["country"],
            "uscc": uscc, "industry": row["industry"], "status": row["status"]}


def _invoice(row: dict[str, str]) -> dict[str, Any]:
    problems: list[str] = []
    values: dict[str, Any] = {"invoice_id": row["invoice_id"], "buyer_id": row["buyer_id"]}
    if not row["invoice_id"]:
        problems.append("invoice_id is empty")
    if not row["buyer_id"]:
        problems.append("buyer_id is empty")
    for key, parse in (
        ("issue_date", lambda v: _date(v, "issue_date")),
        ("due_date", lambda v: _date(v, "due_date")),
        ("amount_cents", lambda _: _cents(row["amount_cny"], "amount_cny")),
        ("paid_cents", lambda _: _cents(row["paid_cny"] or "0", "paid_cny")),
        ("paid_date", lambda v: _date(v, "paid_date") if v else None),
    ):
        try:
            values[key] = parse(row.get(key, ""))
        except _RowError as e:
            problems.append(str(e))
    if not problems:
        if values["due_date"] < values["issue_date"]:
            problems.append("due_date is before issue_date")
        if values["paid_cents"] > values["amount_cents"]:
            problems.append("paid_cny exceeds amount_cny")
        if values["paid_cents"] > 0 and values["paid_date"] is None:
            problems.append("paid_date is required when paid_cny > 0")
        if values["paid_cents"] == 0 and values["paid_date"] is not None:
            problems.append("paid_date is set but paid_cny is 0")
        if values["paid_date"] is not None and values["paid_date"] < values["issue_date"]:
            problems.append("paid_date is before issue_date")
    if problems:
        raise _RowError("; ".join(problems))
    return values


def read_rows(kind: Kind, path: Path, report: ImportReport) -> list[tuple[int, dict[str, Any]]]:
    """Parse and validate every line of the file; errors go to ``report.errors`` (line numbers 1-based)."""
    parse = _buyer if kind == "buyers" else _invoice
    id_column = HEADERS[kind][0]
    rows: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    text = _utf8_text(path, report)
    if text is None:
        return rows
    with io.StringIO(text, newline="") as handle:
        try:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                report.errors.append((1, "file is empty; expected header " + ",".join(HEADERS[kind])))
                return rows
            if [h.strip() for h in header] != HEADERS[kind]:
                report.errors.append((1, f"header must be exactly {','.join(HEADERS[kind])}"))
                return rows
            for fields in reader:
                line = reader.line_num
                if not any(f.strip() for f in fields):
                    continue
                if len(fields) != len(header):
                    report.errors.append((line, f"expected {len(header)} columns, found {len(fields)}"))
                    continue
                raw = {k: v.strip() for k, v in zip(HEADERS[kind], fields, strict=True)}
                try:
                    values = parse(raw)
                except _RowError as e:
                    report.errors.append((line, str(e)))
                    continue
                key = values[id_column]
                if key in seen:
                    report.errors.append((line, f"{id_column} {key} repeats line {seen[key]}"))
                    continue
                seen[key] = line
                rows.append((line, values))
        except csv.Error as e:
            report.errors.append((0, f"not a readable CSV file: {e}"))
    return rows


def _utf8_text(path: Path, report: ImportReport) -> str | None:
    """The file as text; None (each line that is not UTF-8 reported by its number) when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as e:
        report.errors.append((0, f"cannot read file: {e.strerror}"))
        return None
    bad = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(number)
    for number in bad:
        report.errors.append((number, "not UTF-8 text (saved as GBK?); save the file as UTF-8"))
    return None if bad else data.decode("utf-8-sig")


def import_csv(database_url: str, kind: Kind, path: Path) -> ImportReport:
    """Validate a whole CSV file and, only if every line is valid, upsert it in one transaction."""
    if kind not in HEADERS:
        raise ValueError(f"kind must be 'buyers' or 'invoices', not {kind!r}")
    path = Path(path)
    report = ImportReport(kind=kind, path=path)
    rows = read_rows(kind, path, report)
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            if kind == "invoices" and rows:
                known = crud.existing_buyer_ids(session=session, buyer_ids={v["buyer_id"] for _, v in rows})
                for line, values in rows:
                    if values["buyer_id"] not in known:
                        report.errors.append((line, f"buyer_id {values['buyer_id']} is not a known buyer"))
            if report.errors:
                report.errors.sort()
                return report
            model = BuyerRow if kind == "buyers" else InvoiceRow
            for _, values in rows:
                existing = session.get(model, values[HEADERS[kind][0]])
                if existing is None:
                    session.add(model(**values))
                    report.inserted += 1
                else:
                    for key, value in values.items():
                        setattr(existing, key, value)
                    report.updated += 1
            session.commit()  # one transaction for the whole file; the context manager rolls back on error
            report.rows = len(rows)
    except SQLAlchemyError as e:
        logger.error("import of %s failed", kind, exc_info=True)
        report.errors.append((0, f"database error, nothing imported: {e.__class__.__name__}"))
    finally:
        engine.dispose()
    logger.info("import %s: %d rows, %d errors", kind, report.rows, len(report.errors))
    return report
