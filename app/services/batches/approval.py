"""Finance's decision on an invoice batch, under segregation of duties.

Whoever validated the period's calculation or prepared the batch cannot approve or reject it, whatever roles they
hold: the check is made per user, on the server, and every refusal is recorded in the audit log next to the
decisions. Approval locks the period; a rejection sends the batch back to the back-office with its reason.
"""

from sqlalchemy.orm import Session

from app.models import PeriodStatus
from app.models import Role
from app.models.invoice import BatchStatus
from app.models.invoice import InvoiceBatch
from app.services import audit
from app.services.batches.building import BatchError
from workflows import clock


class SegregationOfDuties(BatchError):
    """The user prepared what they are asked to approve; ``reason`` is ``validated`` or ``prepared``."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"segregation of duties: {EXPLAINED[reason]}; another finance user must decide")


EXPLAINED = {"validated": "you validated the calculation of this period", "prepared": "you prepared this batch"}


def conflict(batch: InvoiceBatch, user) -> str | None:
    """Return why ``user`` may not decide ``batch``: ``validated``, ``prepared``, or None when they may."""
    if user.id == batch.period.validated_by:
        return "validated"
    if user.id == batch.built_by:
        return "prepared"
    return None


def check(session: Session, user, batch: InvoiceBatch) -> None:
    """Raise unless ``user`` is finance, independent of the batch, and the batch waits for a decision."""
    if not user.has_role(Role.FINANCE):
        raise BatchError("only finance decides an invoice batch")
    if batch.status != BatchStatus.DRAFT:
        raise BatchError(f"the batch is {batch.status.value}, not waiting for a decision")
    why = conflict(batch, user)
    if why:
        raise SegregationOfDuties(why)


def record_refusal(session: Session, user, batch: InvoiceBatch, refused: SegregationOfDuties) -> None:
    """Record a refused decision (kept even though the decision itself is rolled back)."""
    audit.record(session, user, "batch.decision_refused", "invoice_batch", batch.id,
                 after={"period": batch.period.label, "reason": refused.reason, "message": str(refused)},
                 summary=f"decision on the invoice batch of {batch.period.label} refused to {user.username}")


def approve(session: Session, user, batch: InvoiceBatch) -> InvoiceBatch:
    """Approve the batch and lock its period."""
    check(session, user, batch)
    period, now = batch.period, clock.now()
    batch.status, batch.decided_by, batch.decided_at = BatchStatus.APPROVED, user.id, now
    period.status, period.approved_by, period.approved_at = PeriodStatus.APPROVED, user.id, now
    audit.record(session, user, "batch.approved", "invoice_batch", batch.id,
                 before={"status": "draft"}, after={"status": "approved", "invoices": batch.invoice_count,
                                                    "taxable": batch.taxable, "net_payable": batch.net_payable},
                 summary=f"invoice batch of {period.label} approved")
    audit.record(session, user, "period.approved", "commission_period", period.id,
                 before={"status": "validated"}, after={"status": "approved"},
                 summary=f"period {period.label} approved and locked")
    return batch


def reject(session: Session, user, batch: InvoiceBatch, reason: str) -> InvoiceBatch:
    """Reject the batch with ``reason``; the period stays validated and the back-office reworks it."""
    if not (reason or "").strip():
        raise BatchError("a rejection needs a reason")
    check(session, user, batch)
    batch.status, batch.decided_by, batch.decided_at = BatchStatus.REJECTED, user.id, clock.now()
    batch.rejection_reason = reason.strip()
    audit.record(session, user, "batch.rejected", "invoice_batch", batch.id,
                 before={"status": "draft"}, after={"status": "rejected", "reason": batch.rejection_reason},
                 summary=f"invoice batch of {batch.period.label} rejected")
    return batch
