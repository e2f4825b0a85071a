"""Invoice numbers: sequential per document year, without gaps, unique also when several workers issue at once.

``invoice_sequence`` keeps the last number used per year. Numbers are taken with one
``UPDATE invoice_sequence SET last_number = last_number + n ... RETURNING last_number``: on PostgreSQL the
UPDATE takes the row lock (as ``SELECT ... FOR UPDATE`` would) and holds it until the transaction ends, so a
second issuer waits and then continues from the committed value; on SQLite the UPDATE makes the transaction the
one writer. Because the numbers are taken in the transaction that stores the invoices, a rollback gives them back:
there is never a gap.
"""

from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from app.models import InvoiceSequence


class NumberingError(ValueError):
    """A request for numbers that cannot be met (a year or count out of range)."""


def format_number(year: int, number: int) -> str:
    """Return the printed form of an invoice number: 2026/000017."""
    return f"{year}/{number:06d}"


def peek(session: Session, year: int) -> int:
    """Return the number the next invoice of ``year`` would get (without taking it)."""
    last = session.scalar(select(InvoiceSequence.last_number).where(InvoiceSequence.year == year))
    return (last or 0) + 1


def _increment(session: Session, year: int, count: int) -> int | None:
    statement = (update(InvoiceSequence).where(InvoiceSequence.year == year)
                 .values(last_number=InvoiceSequence.last_number + count)
                 .returning(InvoiceSequence.last_number)
                 .execution_options(synchronize_session=False))
    return session.execute(statement).scalar_one_or_none()


def _create_year(session: Session, year: int) -> None:
    """Create the year's row unless a concurrent issuer just did (its insert wins, ours does nothing)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(InvoiceSequence).values(year=year, last_number=0)
                    .on_conflict_do_nothing(index_elements=["year"]))


def take(session: Session, year: int, count: int) -> range:
    """Take the next ``count`` numbers of ``year`` and return them; they stay locked until the transaction ends."""
    if not 1900 < year < 10000:
        raise NumberingError(f"invoice year {year} is out of range")
    if count < 0:
        raise NumberingError(f"cannot take {count} invoice numbers")
    if count == 0:
        return range(0)
    last = _increment(session, year, count)
    if last is None:
        _create_year(session, year)
        last = _increment(session, year, count)
    return range(last - count + 1, last + 1)
