"""Issuing an approved batch: every invoice gets its number, its date and its stored PDF, in one transaction.

The PDFs are rendered before the batch is claimed, with the numbers the sequence would give next, so the
database is written (and, on SQLite, the one write lock held) only for the short final step: claim the batch
(``approved`` -> ``issued`` in a conditional UPDATE, so two workers cannot both issue it), take the numbers, and
store the invoices. When another batch took numbers in the meantime the documents are rendered again with the
numbers actually taken. A rendering failure raises before anything is written, so no number is taken; the caller
commits.
"""

import hashlib
from datetime import date

from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm import joinedload

from app.models import Invoice
from app.models import InvoiceBatch
from app.models import Statement
from app.models.invoice import BatchStatus
from app.services import audit
from app.services.invoicing import document
from app.services.invoicing import numbering
from app.services.invoicing import rendering
from workflows import clock

DONE = (BatchStatus.ISSUED, BatchStatus.EXPORTED)


class IssuingError(RuntimeError):
    """A batch that cannot be issued (not approved by finance)."""


def _numbers(invoices: list[Invoice], year: int, first: int) -> dict[int, str]:
    return {invoice.id: numbering.format_number(year, first + offset) for offset, invoice in enumerate(invoices)}


def _render(session: Session, invoices: list[Invoice], day: date, first: int) -> list[bytes]:
    documents = document.build(session, invoices, day, _numbers(invoices, day.year, first))
    return rendering.render(documents)


def _claim(session: Session, batch: InvoiceBatch) -> bool:
    """Mark the batch issued unless another worker already did; return whether this call owns the issue."""
    claimed = session.execute(update(InvoiceBatch)
                              .where(InvoiceBatch.id == batch.id, InvoiceBatch.status == BatchStatus.APPROVED)
                              .values(status=BatchStatus.ISSUED)
                              .execution_options(synchronize_session=False)).rowcount == 1
    session.refresh(batch, ["status"])
    return claimed


def issue_invoices(session: Session, user, batch: InvoiceBatch) -> list[Invoice]:
    """Number, date, render and store every invoice of an approved batch; return the invoices issued now.

    An issued (or exported) batch issues nothing new and returns an empty list.
    """
    if batch.status in DONE:
        return []
    if batch.status != BatchStatus.APPROVED:
        raise IssuingError(f"invoice batch {batch.id} of {batch.period.label} is {batch.status.value}: only a "
                           "batch approved by finance is issued")
    invoices = list(session.scalars(
        select(Invoice).where(Invoice.batch_id == batch.id, Invoice.number.is_(None)).order_by(Invoice.id)
        .options(joinedload(Invoice.partner), joinedload(Invoice.statement).joinedload(Statement.period))))
    issued_at = clock.now()
    day = clock.company_day(issued_at)
    expected = numbering.peek(session, day.year)
    pdfs = _render(session, invoices, day, expected)
    if not _claim(session, batch):
        return []
    numbers = numbering.take(session, day.year, len(invoices))
    if invoices and numbers.start != expected:
        pdfs = _render(session, invoices, day, numbers.start)
    for invoice, number, pdf in zip(invoices, numbers, pdfs, strict=True):
        invoice.year, invoice.number, invoice.document_date, invoice.issued_at = day.year, number, day, issued_at
        invoice.pdf, invoice.pdf_sha256 = pdf, hashlib.sha256(pdf).hexdigest()
        audit.record(session, user, "invoice.issued", "invoice", invoice.id,
                     after={"number": invoice.number_text, "document_date": day, "partner_id": invoice.partner_id,
                            "document_total": invoice.document_total, "net_payable": invoice.net_payable,
                            "pdf_sha256": invoice.pdf_sha256})
    audit.record(session, user, "invoice_batch.issued", "invoice_batch", batch.id,
                 before={"status": BatchStatus.APPROVED},
                 after={"status": BatchStatus.ISSUED, "invoices": len(invoices),
                        "first_number": numbering.format_number(day.year, numbers.start) if invoices else None,
                        "last_number": numbering.format_number(day.year, numbers[-1]) if invoices else None})
    session.flush()
    return invoices
