"""Building a period's invoice batch: one draft pro-forma per statement with something to invoice, and the
comparison with the previous period's batch that finance reads before approving.

A batch is built once the reviews of the period are closed (or the review deadline passed). Building again while
the batch is still a draft replaces its invoices; a rejected batch stays as it was (history) and a new batch is
built after the back-office reworks it (the rejected batch keeps its totals and reason; its unnumbered drafts
are replaced by the new batch's).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import CommissionPeriod
from app.models import Partner
from app.models import PeriodStatus
from app.models import Statement
from app.models.invoice import BatchStatus
from app.models.invoice import Invoice
from app.models.invoice import InvoiceBatch
from app.services import audit
from app.services.calculation import results
from calc.inputs import months_before
from calc.money import ZERO
from workflows import clock

TOTALS = ("taxable", "vat", "withholding", "enasarco_agent", "net_payable")
COPIED = TOTALS + ("stamp_duty", "document_total")
SETTLED = (BatchStatus.APPROVED, BatchStatus.ISSUED, BatchStatus.EXPORTED)


class BatchError(RuntimeError):
    """A batch that cannot be built or decided: wrong period state, wrong status, wrong user."""


def period_of(session: Session, month: date) -> CommissionPeriod:
    """Return the period of ``month`` or raise ``BatchError``."""
    period = results.period_of(session, month)
    if period is None:
        raise BatchError(f"period {month:%Y-%m} does not exist")
    return period


def current_batch(session: Session, period_id: int) -> InvoiceBatch | None:
    """Return the period's latest batch (whatever its status), or None before the first build."""
    return session.scalar(select(InvoiceBatch).where(InvoiceBatch.period_id == period_id)
                          .order_by(InvoiceBatch.id.desc()).limit(1))


def build(session: Session, user, month: date) -> InvoiceBatch:
    """Build (or rebuild, while a draft) the invoice batch of the validated period ``month``.

    ``user`` is who prepared it: finance cannot approve a batch its approver prepared.
    """
    period = period_of(session, month)
    if period.status != PeriodStatus.VALIDATED:
        raise BatchError(f"period {period.label} is {period.status.value}: only a validated period is invoiced")
    batch = current_batch(session, period.id)
    if batch is not None and batch.status in SETTLED:
        raise BatchError(f"period {period.label} already has an approved batch")
    if batch is not None and batch.status == BatchStatus.REJECTED:
        # the rejected batch keeps its totals and reason; its unnumbered drafts give way to the new batch's
        session.execute(delete(Invoice).where(Invoice.batch_id == batch.id))
    if batch is None or batch.status == BatchStatus.REJECTED:
        batch = InvoiceBatch(period_id=period.id, status=BatchStatus.DRAFT)
        session.add(batch)
        session.flush()
    else:
        session.execute(delete(Invoice).where(Invoice.batch_id == batch.id))
    batch.built_by, batch.built_at = getattr(user, "id", None), clock.now()
    statements = session.scalars(select(Statement).where(Statement.period_id == period.id, Statement.taxable > 0)
                                 .order_by(Statement.partner_id)).all()
    session.add_all(Invoice(batch_id=batch.id, statement_id=s.id, partner_id=s.partner_id,
                            **{name: getattr(s, name) for name in COPIED}) for s in statements)
    batch.invoice_count = len(statements)
    for name in TOTALS:
        setattr(batch, name, sum((getattr(s, name) for s in statements), ZERO))
    session.flush()
    audit.record(session, user, "batch.built", "invoice_batch", batch.id,
                 after={"period": period.label, "invoices": batch.invoice_count, "taxable": batch.taxable,
                        "net_payable": batch.net_payable},
                 summary=f"invoice batch of {period.label} built: {batch.invoice_count} pro-forma invoices")
    return batch


@dataclass(frozen=True)
class PartnerChange:
    """One partner's pro-forma against the previous period's: None where the partner had none."""

    partner: Partner
    invoice: Invoice | None
    previous_taxable: Decimal | None
    previous_net: Decimal | None

    @property
    def taxable(self) -> Decimal:
        return self.invoice.taxable if self.invoice else ZERO

    @property
    def change(self) -> Decimal:
        return self.taxable - (self.previous_taxable or ZERO)

    @property
    def status(self) -> str:
        if self.invoice is None:
            return "gone"
        return "new" if self.previous_taxable is None else "changed" if self.change else "same"


@dataclass(frozen=True)
class Comparison:
    """The batch against the previous period's settled batch."""

    previous: InvoiceBatch | None
    rows: list[PartnerChange]

    @property
    def previous_taxable(self) -> Decimal | None:
        return self.previous.taxable if self.previous else None

    def count(self, status: str) -> int:
        return sum(row.status == status for row in self.rows)


def previous_batch(session: Session, batch: InvoiceBatch) -> InvoiceBatch | None:
    """Return the settled batch of the month before the batch's period, if any."""
    before = months_before(batch.period.month, 1)
    return session.scalar(select(InvoiceBatch).join(CommissionPeriod, CommissionPeriod.id == InvoiceBatch.period_id)
                          .where(CommissionPeriod.month == before, InvoiceBatch.status.in_(SETTLED))
                          .order_by(InvoiceBatch.id.desc()).limit(1))


def compare(session: Session, batch: InvoiceBatch) -> Comparison:
    """Return each partner's pro-forma with the previous period's (new, changed, same, gone), largest change first."""
    previous = previous_batch(session, batch)
    earlier = {i.partner_id: i for i in previous.invoices} if previous else {}
    current = {i.partner_id: i for i in batch.invoices}
    ids = set(current) | set(earlier)
    partners = {p.id: p for p in session.scalars(select(Partner).where(Partner.id.in_(ids)))} if ids else {}
    rows = [PartnerChange(partners[pid], current.get(pid),
                          earlier[pid].taxable if pid in earlier else None,
                          earlier[pid].net_payable if pid in earlier else None) for pid in ids]
    rows.sort(key=lambda row: (-abs(row.change), row.partner.code))
    return Comparison(previous, rows)
