"""What each step of the trail shows, loaded in bulk (one query per kind of record, never one per line).

An invoice leads to its batch (built, approved or rejected, exported: columns and audit entries), its period
(calculation runs and validation), its statement (publication, review, disputes, adjustments), the statement's
lines (a page at a time), each line's source record with all its versions and their import batches, and the
process history of the period's cycle and of the partner's statement review.
"""

import re
from dataclasses import dataclass

from sqlalchemy import Select
from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

import workflows
from app.models import Adjustment
from app.models import AuditEntry
from app.models import BillingLine
from app.models import CalculationRun
from app.models import CommissionLine
from app.models import Contract
from app.models import Dispute
from app.models import ImportBatch
from app.models import Invoice
from app.models import InvoiceBatch
from app.models import Partner
from app.models import ServiceOrder
from app.models import User
from app.services import accounting_export
from app.services.calculation import results
from app.services.cycle import CYCLE
from app.services.cycle import REVIEW

SOURCES = {"contract": Contract, "billing_line": BillingLine, "service_order": ServiceOrder}
NUMBER = re.compile(r"^\s*(?:(\d{4})\s*/\s*)?(\d{1,9})\s*$")


def search(q: str | None, year: int | None) -> Select:
    """Return the invoices matching "2026/000012", a number (in ``year`` if given), or a partner code or name."""
    query = (select(Invoice).join(Partner, Partner.id == Invoice.partner_id)
             .order_by(Invoice.year.desc(), Invoice.number.desc(), Invoice.id.desc()))
    if year:
        query = query.where(Invoice.year == year)
    text = (q or "").strip()
    if not text:
        return query
    found = NUMBER.match(text)
    if found:
        number_year, number = found.groups()
        by_number = and_(Invoice.number == int(number), *([Invoice.year == int(number_year)] if number_year else []))
        return query.where(or_(by_number, Partner.code == text))
    pattern = f"%{text}%"
    return query.where(or_(Partner.code.ilike(pattern), Partner.name.ilike(pattern)))


def users(session: Session, *ids: int | None) -> dict[int, User]:
    """Return the users with these ids, by id."""
    wanted = {i for i in ids if i is not None}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(wanted)))} if wanted else {}


def audit_of(session: Session, entity_type: str, *entity_ids) -> list[AuditEntry]:
    """Return the audit entries of these entities, oldest first."""
    ids = [str(i) for i in entity_ids if i is not None]
    if not ids:
        return []
    return list(session.scalars(select(AuditEntry).where(AuditEntry.entity_type == entity_type,
                                                         AuditEntry.entity_id.in_(ids)).order_by(AuditEntry.id)))


def batch_context(session: Session, invoice: Invoice) -> dict:
    """Return the batch: who built and decided it and when, its export, and its and the invoice's audit entries."""
    batch: InvoiceBatch = invoice.batch
    return {"batch": batch, "users": users(session, batch.built_by, batch.decided_by),
            "export_name": accounting_export.file_name(batch) if batch.export_file is not None else None,
            "entries": audit_of(session, "invoice_batch", batch.id) + audit_of(session, "invoice", invoice.id)}


def period_context(session: Session, invoice: Invoice) -> dict:
    """Return the period: who validated the calculation and who approved it, its runs, its audit entries."""
    period = invoice.batch.period
    runs = list(session.scalars(select(CalculationRun).where(CalculationRun.period_id == period.id)
                                .order_by(CalculationRun.version)))
    return {"period": period, "runs": runs, "statement_run_id": invoice.statement.run_id,
            "users": users(session, period.validated_by, period.approved_by, *(r.started_by for r in runs)),
            "entries": audit_of(session, "commission_period", period.id)}


def statement_context(session: Session, invoice: Invoice) -> dict:
    """Return the statement: publication, review, disputes with their lines and outcomes, adjustments."""
    statement = invoice.statement
    disputes = list(session.scalars(select(Dispute).where(Dispute.statement_id == statement.id).order_by(Dispute.id)))
    adjustments = list(session.scalars(select(Adjustment).where(Adjustment.statement_id == statement.id)
                                       .order_by(Adjustment.sequence, Adjustment.id)))
    ids = [statement.reviewed_by, *(d.raised_by for d in disputes), *(d.resolved_by for d in disputes),
           *(a.created_by for a in adjustments)]
    return {"statement": statement, "disputes": disputes, "adjustments": adjustments, "users": users(session, *ids),
            "entries": audit_of(session, "statement", statement.id)
            + audit_of(session, "dispute", *(d.id for d in disputes))}


@dataclass(frozen=True)
class SourceLink:
    """Where a line's source record is on the trail, and the import file it came in with."""

    kind: str
    record_id: int
    label: str
    version: int
    import_batch: ImportBatch | None


def _source_links(session: Session, lines: list[CommissionLine]) -> dict[int, list[SourceLink]]:
    wanted: dict[str, set[int]] = {kind: set() for kind in SOURCES}
    for line in lines:
        if line.source_kind in SOURCES and line.source_id is not None:
            wanted[line.source_kind].add(line.source_id)
        if line.contract_id is not None:
            wanted["contract"].add(line.contract_id)
    records = {(kind, row.id): row for kind, ids in wanted.items() if ids
               for row in session.scalars(select(SOURCES[kind]).where(SOURCES[kind].id.in_(ids)))}
    batch_ids = {row.import_batch_id for row in records.values() if row.import_batch_id is not None}
    batches = ({b.id: b for b in session.scalars(select(ImportBatch).where(ImportBatch.id.in_(batch_ids)))}
               if batch_ids else {})
    links: dict[int, list[SourceLink]] = {}
    for line in lines:
        keys = []
        if line.source_kind in SOURCES and line.source_id is not None:
            keys.append((line.source_kind, line.source_id))
        if line.contract_id is not None and ("contract", line.contract_id) not in keys:
            keys.append(("contract", line.contract_id))
        links[line.id] = [SourceLink(kind, rid, records[kind, rid].external_id, records[kind, rid].version,
                                     batches.get(records[kind, rid].import_batch_id))
                          for kind, rid in keys if (kind, rid) in records]
    return links


def lines_context(session: Session, invoice: Invoice, page: int, per_page: int) -> dict:
    """Return one page of the statement's lines, each with its source records and their import files."""
    statement = invoice.statement
    found = results.paginate(session, results.partner_lines(statement.run_id, statement.partner_id), page, per_page)
    lines = [row[0] for row in found.items]
    return {"page": found, "lines": lines, "sources": _source_links(session, lines)}


def source_context(session: Session, kind: str, record_id: int) -> dict | None:
    """Return a source record, every version of it and the import batch (file) of each, or None."""
    model = SOURCES.get(kind)
    record = session.get(model, record_id) if model is not None else None
    if record is None:
        return None
    versions = list(session.scalars(select(model).where(model.external_id == record.external_id)
                                    .order_by(model.version)))
    batch_ids = {v.import_batch_id for v in versions if v.import_batch_id is not None}
    batches = ({b.id: b for b in session.scalars(select(ImportBatch).where(ImportBatch.id.in_(batch_ids)))}
               if batch_ids else {})
    columns = [column.key for column in model.__table__.columns]
    return {"kind": kind, "record": record, "versions": versions, "batches": batches, "columns": columns,
            "users": users(session, *(b.user_id for b in batches.values()))}


def history_context(session: Session, invoice: Invoice) -> dict:
    """Return the process history of the period's cycle and of the partner's statement review."""
    label = invoice.batch.period.label
    instances = [workflows.find_instance(session, CYCLE, label),
                 workflows.find_instance(session, REVIEW, f"{label}/partner-{invoice.partner_id}")]
    return {"processes": [(info, workflows.history(session, info.id)) for info in instances if info is not None]}
