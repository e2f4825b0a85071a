"""Exporting an issued invoice batch once: the file of postings, its checksum kept in the batch and the audit log.

Every mapping the batch needs, and the company code in force on the posting date, is looked up before anything is
written; one missing mapping (or no valid company code) stops the export with a message naming the company code
and each partner, component kind, territory or tax case to map. A second export of the same batch returns the
stored file unchanged.
"""

import hashlib
from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger
from sqlalchemy import cast
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from app.models import AccountingMapping
from app.models import Adjustment
from app.models import CommissionLine
from app.models import Invoice
from app.models import InvoiceBatch
from app.models.invoice import BatchStatus
from app.services import audit
from app.services.accounting_export import company_code
from app.services.accounting_export.layout import to_csv
from app.services.accounting_export.postings import Document
from app.services.accounting_export.postings import Mappings
from app.services.accounting_export.postings import PostingError
from app.services.accounting_export.postings import invoice_rows
from calc.money import from_cents
from workflows import clock


class ExportError(ValueError):
    """A batch that cannot be exported: not issued, an invoice without number, missing mappings, bad amounts."""


def file_name(batch: InvoiceBatch) -> str:
    """Return the name the batch's export file is downloaded and audited under."""
    return f"mandato-sap-{batch.period.label}-batch-{batch.id}.csv"


def _cents(column):
    # Sums of integer cents are exact on both databases (SQLite would sum NUMERIC as floating point).
    return func.sum(cast(func.round(column * 100), BigInteger))


def _gross(session: Session, invoices: list[Invoice]) -> dict[int, dict[str, Decimal]]:
    """Return, per statement, the taxable amount by line kind: payable lines and dispute adjustments."""
    by_key = {(inv.statement.run_id, inv.partner_id): inv.statement_id for inv in invoices}
    gross: dict[int, dict[str, Decimal]] = defaultdict(dict)
    runs = sorted({run_id for run_id, _ in by_key})
    rows = session.execute(
        select(CommissionLine.run_id, CommissionLine.partner_id, CommissionLine.line_kind, _cents(CommissionLine.amount))
        .where(CommissionLine.run_id.in_(runs), CommissionLine.status != "held")
        .group_by(CommissionLine.run_id, CommissionLine.partner_id, CommissionLine.line_kind))
    for run_id, partner_id, kind, cents in rows:
        statement_id = by_key.get((run_id, partner_id))
        if statement_id is not None and cents:
            gross[statement_id][kind] = from_cents(int(cents))
    adjustments = session.execute(
        select(Adjustment.statement_id, _cents(Adjustment.amount))
        .where(Adjustment.statement_id.in_([inv.statement_id for inv in invoices]))
        .group_by(Adjustment.statement_id))
    for statement_id, cents in adjustments:
        if cents:
            gross[statement_id]["adjustment"] = from_cents(int(cents))
    return gross


def _document(invoice: Invoice, gross: dict[str, Decimal]) -> Document:
    statement, partner = invoice.statement, invoice.partner
    stamp_charged = invoice.document_total - invoice.taxable - invoice.vat
    return Document(
        invoice_number=invoice.number_text, document_date=invoice.document_date, period=invoice.batch.period.label,
        partner_code=partner.code, partner_name=partner.name, territory=partner.territory, taxable=invoice.taxable,
        vat=invoice.vat, withholding=invoice.withholding, enasarco_agent=invoice.enasarco_agent,
        stamp_charged=stamp_charged, net_payable=invoice.net_payable, tax_detail=statement.tax_detail or {},
        gross=gross or {})


def _checked_invoices(session: Session, batch: InvoiceBatch) -> list[Invoice]:
    if batch.status != BatchStatus.ISSUED:
        raise ExportError(f"batch {batch.id} of {batch.period.label} is {batch.status.value}: "
                          "only an issued batch (every invoice numbered) is exported")
    invoices = list(session.scalars(select(Invoice).where(Invoice.batch_id == batch.id)
                                    .options(selectinload(Invoice.statement), selectinload(Invoice.partner))))
    if not invoices:
        raise ExportError(f"batch {batch.id} of {batch.period.label} has no invoices")
    unnumbered = [str(inv.id) for inv in invoices if inv.number is None or inv.document_date is None]
    if unnumbered:
        raise ExportError(f"batch {batch.id}: invoices {', '.join(unnumbered)} have no number or document date")
    return sorted(invoices, key=lambda inv: (inv.year, inv.number))


def build(session: Session, batch: InvoiceBatch, posting_date: date) -> bytes:
    """Return the export file of an issued batch without storing it; raise ExportError naming what is wrong."""
    invoices = _checked_invoices(session, batch)
    gross = _gross(session, invoices)
    mappings = Mappings({(m.kind, m.key): m.value for m in session.scalars(select(AccountingMapping))})
    code = company_code.code_on(session, posting_date)
    problem = company_code.problem(code, posting_date)
    if problem:
        mappings.note(problem)
    rows = []
    try:
        for invoice in invoices:
            document = _document(invoice, gross.get(invoice.statement_id, {}))
            rows += invoice_rows(document, mappings, posting_date, code)
    except PostingError as exc:
        raise ExportError(f"batch {batch.id}: {exc}") from exc
    if mappings.missing:
        raise ExportError(f"batch {batch.id} cannot be exported, mappings are missing: "
                          + "; ".join(mappings.missing))
    return to_csv(rows)


def export_batch(session: Session, user, batch: InvoiceBatch) -> bytes:
    """Export an issued batch once and return its file; later calls return the stored file."""
    session.refresh(batch, with_for_update=True)  # two exports of one batch at once: the second waits here
    if batch.status == BatchStatus.EXPORTED and batch.export_file is not None:
        return batch.export_file
    now = clock.now()  # the workflows' clock, as issuing and approval read it; the posting date is Rome's
    data = build(session, batch, clock.company_day(now))
    digest = hashlib.sha256(data).hexdigest()
    batch.export_file, batch.export_sha256 = data, digest
    batch.exported_at, batch.status = now, BatchStatus.EXPORTED
    audit.record(session, user, "batch.exported", "invoice_batch", batch.id,
                 before={"status": BatchStatus.ISSUED},
                 after={"status": BatchStatus.EXPORTED, "file_name": file_name(batch), "sha256": digest,
                        "bytes": len(data), "rows": data.count(b"\n") - 1, "invoices": len(batch.invoices)},
                 summary=f"{file_name(batch)} sha256 {digest}")
    session.flush()
    return data

