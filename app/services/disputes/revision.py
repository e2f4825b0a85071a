"""The revised statement: its adjustments added and its tax items computed again, the figures before kept.

A revision recomputes the items with the same function publication uses (``app.services.statements.taxes``) on
the statement's payable lines plus its adjustments. The ENASARCO base the statement used is first given back to
the ledger (negative entries, the ledger is never rewritten) so the new base starts from the same position. The
figures before and after are kept in the audit entry ``statement.revised``: the partner reads "was / now" there.
"""

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEntry
from app.models import CommissionLine
from app.models import EnasarcoLedgerEntry
from app.models.statement import Adjustment
from app.models.statement import Statement
from app.services import audit
from app.services.statements import publishing
from calc.inputs import next_month
from calc.money import ZERO
from workflows import clock

FIGURES = ("gross", "held", "payable", "adjustments", "taxable", "vat", "withholding", "enasarco_agent",
           "stamp_duty", "document_total", "net_payable")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Revision:
    """One revision of a statement: when, by whom, and its figures before and after."""

    at: datetime
    actor: str
    reason: str
    before: dict[str, Decimal]
    after: dict[str, Decimal]

    def changed(self) -> list[tuple[str, Decimal, Decimal]]:
        """Return (figure, was, now) for the figures that changed."""
        return [(name, self.before[name], self.after[name]) for name in FIGURES
                if name in self.before and name in self.after and self.before[name] != self.after[name]]


def figures(statement: Statement) -> dict[str, Decimal]:
    """Return the statement's totals and tax items by name."""
    return {name: getattr(statement, name) for name in FIGURES}


def period_end(statement: Statement) -> date:
    """Return the last day of the statement's period (the accrual date of its adjustments)."""
    return next_month(statement.period.month) - timedelta(days=1)


def adjustments_of(session: Session, statement_id: int) -> list[Adjustment]:
    """Return the adjustments booked into a statement, in booking order."""
    return list(session.scalars(select(Adjustment).where(Adjustment.statement_id == statement_id)
                                .order_by(Adjustment.sequence, Adjustment.id)))


def line_parts(session: Session, statement: Statement) -> list[tuple[date, Decimal]]:
    """Return the payable amount of the statement's lines per accrual year, dated on the year's last accrual
    (the line's event date, else its period), as publication computes it."""
    rows = session.execute(select(CommissionLine.event_date, CommissionLine.period, CommissionLine.amount)
                           .where(CommissionLine.run_id == statement.run_id,
                                  CommissionLine.partner_id == statement.partner_id,
                                  CommissionLine.status != "held"))
    years: dict[int, tuple[date, Decimal]] = {}
    for event_date, period, amount in rows:
        accrued_on = event_date or period
        latest, total = years.get(accrued_on.year, (accrued_on, ZERO))
        years[accrued_on.year] = (max(latest, accrued_on), total + Decimal(amount).quantize(CENT))
    return [years[year] for year in sorted(years)]


def _give_back_enasarco(session: Session, statement: Statement) -> None:
    rows = session.execute(select(EnasarcoLedgerEntry.year, func.sum(EnasarcoLedgerEntry.commissions),
                                  func.sum(EnasarcoLedgerEntry.base), func.sum(EnasarcoLedgerEntry.agent_share),
                                  func.sum(EnasarcoLedgerEntry.principal_share))
                           .where(EnasarcoLedgerEntry.statement_id == statement.id)
                           .group_by(EnasarcoLedgerEntry.year)).all()
    for year, commissions, base, agent, principal in rows:
        amounts = [Decimal(value or 0).quantize(CENT) for value in (commissions, base, agent, principal)]
        if any(amounts):
            session.add(EnasarcoLedgerEntry(
                partner_id=statement.partner_id, year=year, statement_id=statement.id,
                note=f"revision of statement {statement.id}", commissions=-amounts[0], base=-amounts[1],
                agent_share=-amounts[2], principal_share=-amounts[3]))
    session.flush()


def revise(session: Session, user, statement: Statement, reason: str) -> Revision:
    """Add the statement's adjustments and recompute its tax items; audit the figures before and after."""
    before = figures(statement)
    adjustments = adjustments_of(session, statement.id)
    on = period_end(statement)
    statement.adjustments = sum((a.amount for a in adjustments), ZERO)
    _give_back_enasarco(session, statement)
    parts = line_parts(session, statement) + [(on, a.amount) for a in adjustments]
    publishing.apply_taxes(session, statement, parts, on)
    session.flush()
    after = figures(statement)
    audit.record(session, user, "statement.revised", "statement", statement.id, before=before,
                 after={**after, "reason": reason}, summary=f"statement {statement.id} revised: {reason}"[:300])
    return Revision(clock.now(), getattr(user, "username", None) or "system", reason, before, after)


def revisions(session: Session, statement_id: int) -> list[Revision]:
    """Return the revisions of a statement, oldest first, read from the audit log."""
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "statement.revised",
                                                       AuditEntry.entity_type == "statement",
                                                       AuditEntry.entity_id == str(statement_id))
                              .order_by(AuditEntry.id))
    return [Revision(e.at, e.actor, (e.after or {}).get("reason", ""),
                     {k: Decimal(v) for k, v in (e.before or {}).items() if k in FIGURES},
                     {k: Decimal(v) for k, v in (e.after or {}).items() if k in FIGURES}) for e in entries]


def first_and_latest(session: Session, statement_id: int) -> Revision | None:
    """Return one revision spanning all of them: the figures as published and as they are now (None if never
    revised)."""
    found = revisions(session, statement_id)
    if not found:
        return None
    return Revision(found[-1].at, found[-1].actor, found[-1].reason, found[0].before, found[-1].after)

