"""Invoice numbers: sequential per year without gaps across batches and a year change, and unique and gapless
when many transactions take numbers at the same time (PostgreSQL)."""

import random
import threading
from datetime import UTC
from datetime import datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Invoice
from app.models import InvoiceSequence
from app.services.invoicing import issuing
from app.services.invoicing import numbering
from tests.app.services.invoicing.batches import approved_batch
from workflows import clock


def _issue_on(when: datetime, batch) -> list[tuple[int, int]]:
    previous = clock.use(clock.FixedClock(when))
    try:
        invoices = issuing.issue_invoices(db.session, None, batch)
        db.session.commit()
    finally:
        clock.use(previous)
    return [(invoice.year, invoice.number) for invoice in invoices]


def test_numbers_continue_across_batches_and_restart_with_the_year(network, statements):
    first, second, third = approved_batch(statements[:2]), approved_batch(statements[2:3]), approved_batch(
        statements[3:])
    assert _issue_on(datetime(2026, 12, 30, 10, tzinfo=UTC), first) == [(2026, 1), (2026, 2)]
    assert _issue_on(datetime(2026, 12, 31, 22, 59, tzinfo=UTC), second) == [(2026, 3)]
    # 23:30 UTC on 31 December is already 1 January in Rome: the document year is the Italian one
    assert _issue_on(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), third) == [(2027, 1), (2027, 2)]
    assert {s.year: s.last_number for s in db.session.scalars(select(InvoiceSequence))} == {2026: 3, 2027: 2}
    texts = db.session.scalars(select(Invoice.pdf_sha256).where(Invoice.number.is_not(None))).all()
    assert len(texts) == 5


def test_take_rejects_nonsense(app):
    with pytest.raises(numbering.NumberingError, match="year 26 is out of range"):
        numbering.take(db.session, 26, 1)
    with pytest.raises(numbering.NumberingError, match="cannot take -1"):
        numbering.take(db.session, 2026, -1)
    assert numbering.take(db.session, 2026, 0) == range(0)


def test_a_rolled_back_transaction_gives_its_numbers_back(app):
    assert numbering.take(db.session, 2026, 3) == range(1, 4)
    db.session.rollback()
    assert numbering.take(db.session, 2026, 2) == range(1, 3)
    db.session.commit()
    assert numbering.peek(db.session, 2026) == 3


THREADS = 8
ROUNDS = 50


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_parallel_transactions_take_unique_gapless_numbers(app):
    """8 threads x 50 transactions, each taking 1-3 numbers; every 7th transaction rolls back (its numbers
    must be reused); the committed numbers are exactly 1..N."""
    barrier = threading.Barrier(THREADS, timeout=30)
    committed: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()

    def issue(seed: int) -> None:
        rng = random.Random(seed)
        with app.app_context():
            session = db.session
            try:
                barrier.wait()
                for round_ in range(ROUNDS):
                    numbers = numbering.take(session, 2026, rng.randint(1, 3))
                    if round_ % 7 == 6:
                        session.rollback()
                        continue
                    session.commit()
                    with lock:
                        committed.extend(numbers)
            except Exception as exc:  # any error fails the test below
                errors.append(f"{type(exc).__name__}: {exc}")
            finally:
                session.remove()

    threads = [threading.Thread(target=issue, args=(seed,)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert len(committed) == len(set(committed))
    assert sorted(committed) == list(range(1, len(committed) + 1))
    assert db.session.get(InvoiceSequence, 2026).last_number == len(committed)
    assert len(committed) >= THREADS * (ROUNDS - ROUNDS // 7)
