"""The invoicing operations of ``bpmn/commission_cycle.bpmn`` and finance's decision on its approval task.

``build_invoice_batch`` runs when the period's reviews are closed (and again after a rejected batch is reworked),
``issue_invoices`` (in the background: it renders every PDF) numbers, renders, stores and e-mails the pro-forma
invoices of the approved batch, and ``export_accounting`` writes the batch's postings for SAP. Each returns ids
and counts only, which the cycle keeps in its task data.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

import workflows
from app.models import Role
from app.models import User
from app.models.invoice import InvoiceBatch
from app.services import notifications
from app.services.accounting_export import export_batch
from app.services.batches import approval
from app.services.batches import building
from app.services.invoicing.delivery import send_invoices
from app.services.invoicing.issuing import issue_invoices
from calc.inputs import period_from_text


def register() -> None:
    """Make the invoicing operations callable from the cycle's service tasks."""
    workflows.register_operation("build_invoice_batch", build_invoice_batch)
    workflows.register_operation("issue_invoices", issue, background=True)
    workflows.register_operation("export_accounting", export_accounting)


def _batch(session: Session, data: dict) -> InvoiceBatch:
    batch = session.get(InvoiceBatch, data.get("invoice_batch_id") or 0)
    if batch is None:
        raise building.BatchError(f"the cycle of {data.get('period')} has no invoice batch")
    return batch


def _tell(session: Session, role: Role, kind: str, batch: InvoiceBatch, title: notifications.Text,
          body: notifications.Text) -> None:
    notifications.notify(session, role=role, kind=kind, title=title, body=body,
                         link=notifications.link_to("batches.detail", batch_id=batch.id))


def build_invoice_batch(session: Session, instance, data: dict) -> dict:
    """Build the period's batch; whoever reworked a rejected batch (else who validated) is its preparer."""
    month = period_from_text(data["period"])
    preparer_id = data.get("reworked_by") or building.period_of(session, month).validated_by
    batch = building.build(session, session.get(User, preparer_id) if preparer_id else None, month)
    _tell(session, Role.FINANCE, "batch_ready", batch,
          _l("Invoice batch %(period)s to approve", period=data["period"]),
          _l("%(count)s pro-forma invoices, taxable %(taxable)s €.", count=batch.invoice_count,
             taxable=notifications.amount(batch.taxable)))
    return {"invoice_batch_id": batch.id, "invoice_count": batch.invoice_count}


def issue(session: Session, instance, data: dict) -> dict:
    """Number, render and store the approved batch's pro-forma invoices, then e-mail them to the partners."""
    batch = _batch(session, data)
    approver = session.get(User, batch.decided_by)
    invoices = issue_invoices(session, approver, batch)
    delivery = send_invoices(session, batch, approver)
    return {"issued_count": len(invoices), "emailed_count": len(delivery.sent),
            "email_failures": len(delivery.failed)}


def export_accounting(session: Session, instance, data: dict) -> dict:
    """Write the batch's accounting export (its checksum goes to the audit log)."""
    batch = _batch(session, data)
    export_batch(session, session.get(User, batch.decided_by), batch)
    return {"export_sha256": batch.export_sha256}


def decide(session: Session, user, data: dict, decision: str, reason: str | None) -> None:
    """Apply finance's decision on the cycle's batch before its approval task completes.

    A refusal for segregation of duties is recorded in the audit log in its own transaction, so it stays even
    though the decision is rolled back.
    """
    batch = _batch(session, data)
    try:
        if decision == "approve":
            approval.approve(session, user, batch)
        else:
            approval.reject(session, user, batch, reason or "")
    except approval.SegregationOfDuties as refused:
        session.rollback()
        approval.record_refusal(session, user, session.get(InvoiceBatch, batch.id), refused)
        session.commit()
        raise
    period = batch.period.label
    if decision == "approve":
        _tell(session, Role.BACKOFFICE, "batch_approved", batch,
              _l("Invoice batch %(period)s approved", period=period), _l("The pro-forma invoices are being issued."))
    else:
        _tell(session, Role.BACKOFFICE, "batch_rejected", batch,
              _l("Invoice batch %(period)s rejected", period=period), batch.rejection_reason)
