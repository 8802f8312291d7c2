"""Tables and engine of the credit service (SQLAlchemy 2; SQLite or PostgreSQL, same code)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Engine, ForeignKey, Integer, String, create_engine, event
from sqlalchemy.exc import IntegrityError, ProgrammingError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker


class Base(DeclarativeBase):
    """Declarative base of the service's tables."""


class BuyerRow(Base):
    """One buyer (a row of buyers.csv). Money in cents so sums are exact on every database."""

    __tablename__ = "buyers"

    buyer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    country: Mapped[str] = mapped_column(String(8))
    uscc: Mapped[str] = mapped_column(String(18), default="", index=True)
    industry: Mapped[str] = mapped_column(String(100))
    grade: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    credit_limit_cents: Mapped[int] = mapped_column(BigInteger)
    avg_days_late: Mapped[int] = mapped_column(Integer)
    updated: Mapped[date] = mapped_column(Date)


class InvoiceRow(Base):
    """One invoice (a row of invoices.csv)."""

    __tablename__ = "invoices"

    invoice_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    buyer_id: Mapped[str] = mapped_column(ForeignKey("buyers.buyer_id"), index=True)
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    paid_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_date: Mapped[date | None] = mapped_column(Date, nullable=True)


def make_engine(database_url: str) -> Engine:
    """An engine for ``database_url`` with the tables created; SQLite gets WAL and a busy timeout."""
    is_sqlite = database_url.startswith("sqlite")
    kwargs: dict = {"pool_pre_ping": True}
    if is_sqlite:
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    engine = create_engine(database_url, **kwargs)
    if is_sqlite:

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    try:
        Base.metadata.create_all(engine)
    except (IntegrityError, ProgrammingError):
        # Several workers starting at once on PostgreSQL can race to create the same table; the
        # loser simply finds it there on the second look.
        Base.metadata.create_all(engine)
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker:
    """The session factory the routes and the importer use."""
    return sessionmaker(engine, expire_on_commit=False)
