"""The back-office answers each disputed line: accept it with an adjustment, or reject it with a reason.

An accepted line becomes an ``Adjustment`` with its own lineage (the disputed line, the original line key, the
plan component, the partner, the reason and who decided). A dispute of this period is adjusted in its own
statement, which is then revised. A dispute carried from an earlier period is adjusted in the statement of the
period it was carried to when that one is published and its period not yet approved; otherwise the decision waits
and publication books it (``pending_carried``).
"""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import CommissionLine
from app.models import CommissionPeriod
from app.models.statement import Adjustment
from app.models.statement import Dispute
from app.models.statement import DisputedLine
from app.models.statement import DisputeStatus
from app.models.statement import LineOutcome
from app.models.statement import Statement
from app.models.statement import StatementStatus
from app.services import audit
from app.services import notifications
from app.services.disputes import revision
from app.services.disputes.raising import DisputeError
from workflows import clock

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LineDecision:
    """The back-office's answer on one disputed line."""

    disputed_line_id: int
    accept: bool
    adjustment: Decimal | None = None
    note: str = ""


def disputes_of(session: Session, statement: Statement) -> list[Dispute]:
    """Return the disputes raised on a statement and those carried into its period for its partner."""
    carried_in = (select(Dispute.id).join(Statement, Dispute.statement_id == Statement.id)
                  .where(Dispute.carried_to_period_id == statement.period_id,
                         Statement.partner_id == statement.partner_id))
    return list(session.scalars(select(Dispute).where(
        (Dispute.statement_id == statement.id) | Dispute.id.in_(carried_in)).order_by(Dispute.id)))


def pending_lines(dispute: Dispute) -> list[DisputedLine]:
    """Return the lines of a dispute still waiting for an answer."""
    return [line for line in dispute.lines if line.outcome == LineOutcome.PENDING]


def ensure_answered(session: Session, statement: Statement) -> None:
    """Raise ``DisputeError`` while a line of an open dispute of the statement has no answer (carried ones may)."""
    waiting = [line for dispute in session.scalars(select(Dispute).where(Dispute.statement_id == statement.id,
                                                                         Dispute.status == DisputeStatus.OPEN))
               for line in pending_lines(dispute)]
    if waiting:
        raise DisputeError(_("%(n)s disputed lines still wait for an answer: %(keys)s", n=len(waiting),
                             keys=", ".join(line.line_key for line in waiting[:5])))


def _check(decision: LineDecision, line: DisputedLine) -> None:
    if line.outcome != LineOutcome.PENDING:
        raise DisputeError(_("Disputed line %(key)s is already %(outcome)s.", key=line.line_key,
                             outcome=line.outcome.value))
    if line.dispute.status == DisputeStatus.RESOLVED:
        raise DisputeError(_("Dispute %(id)s is already resolved.", id=line.dispute_id))
    if decision.accept and (decision.adjustment is None or decision.adjustment == 0):
        raise DisputeError(_("Line %(key)s: an accepted line needs an adjustment amount.", key=line.line_key))
    if not decision.accept and not decision.note.strip():
        raise DisputeError(_("Line %(key)s: give the reason of the rejection.", key=line.line_key))


def target_statement(session: Session, dispute: Dispute) -> Statement | None:
    """Return the statement an accepted line of ``dispute`` is adjusted in (None: not published yet)."""
    if dispute.status != DisputeStatus.CARRIED:
        return dispute.statement
    statement = session.scalar(select(Statement).where(Statement.period_id == dispute.carried_to_period_id,
                                                       Statement.partner_id == dispute.statement.partner_id))
    if statement is None or session.get(CommissionPeriod, statement.period_id).locked:
        return None
    return statement


def book(session: Session, user, line: DisputedLine, statement: Statement, kind: str) -> Adjustment:
    """Book the adjustment of an accepted disputed line into ``statement``, with its lineage."""
    dispute = line.dispute
    component = session.scalar(select(CommissionLine.component_id).where(
        CommissionLine.id == line.commission_line_id))
    sequence = session.scalar(select(func.count(Adjustment.id)).where(Adjustment.statement_id == statement.id)) or 0
    reason = line.resolution_note or _("Dispute %(id)s accepted: %(reason)s", id=dispute.id, reason=dispute.reason)
    adjustment = Adjustment(statement_id=statement.id, disputed_line_id=line.id, partner_id=statement.partner_id,
                            original_line_key=line.line_key, component_id=component, amount=line.adjustment,
                            reason=reason, created_by=getattr(user, "id", None) or dispute.resolved_by,
                            kind=kind, sequence=sequence + 1)
    session.add(adjustment)
    session.flush()
    audit.record(session, user, "adjustment.booked", "adjustment", adjustment.id, after={
        "statement_id": statement.id, "disputed_line_id": line.id, "original_line_key": line.line_key,
        "component_id": component, "amount": line.adjustment, "kind": kind},
        summary=f"adjustment {line.adjustment} booked into statement {statement.id} for {line.line_key}")
    return adjustment


def resolve(session: Session, user, decisions: list[LineDecision]) -> list[Statement]:
    """Answer disputed lines; book accepted ones, revise the statements adjusted; return those statements."""
    lines = {line.id: line for line in session.scalars(select(DisputedLine).where(
        DisputedLine.id.in_([d.disputed_line_id for d in decisions])))}
    revised: dict[int, Statement] = {}
    touched: dict[int, Dispute] = {}
    for decision in decisions:
        line = lines.get(decision.disputed_line_id)
        if line is None:
            raise DisputeError(_("Disputed line %(id)s does not exist.", id=decision.disputed_line_id))
        _check(decision, line)
        line.outcome = LineOutcome.ACCEPTED if decision.accept else LineOutcome.REJECTED
        line.adjustment = decision.adjustment if decision.accept else None
        line.resolution_note = decision.note.strip() or None
        audit.record(session, user, "dispute.line_resolved", "disputed_line", line.id,
                     before={"outcome": "pending"},
                     after={"outcome": line.outcome.value, "adjustment": line.adjustment, "note": line.resolution_note},
                     summary=f"disputed line {line.line_key} {line.outcome.value}")
        touched[line.dispute_id] = line.dispute
        if decision.accept:
            statement = target_statement(session, line.dispute)
            if statement is not None:
                kind = "carried" if line.dispute.status == DisputeStatus.CARRIED else "dispute"
                book(session, user, line, statement, kind)
                revised[statement.id] = statement
    for dispute in touched.values():
        _close_if_answered(session, user, dispute)
    for statement in revised.values():
        revision.revise(session, user, statement, _("disputed lines answered"))
    return list(revised.values())


def _close_if_answered(session: Session, user, dispute: Dispute) -> None:
    if pending_lines(dispute):
        return
    before = dispute.status.value
    dispute.status, dispute.resolved_by, dispute.resolved_at = DisputeStatus.RESOLVED, user.id, clock.now()
    audit.record(session, user, "dispute.resolved", "dispute", dispute.id, before={"status": before},
                 after={"status": "resolved", "lines": {line.line_key: line.outcome.value for line in dispute.lines}},
                 summary=f"dispute {dispute.id} resolved")
    statement = dispute.statement
    period = statement.period.label
    accepted = sum(line.outcome == LineOutcome.ACCEPTED for line in dispute.lines)
    notifications.notify(
        session, partner_id=statement.partner_id, kind="dispute_resolved",
        title=_l("Dispute on your statement of %(period)s answered", period=period),
        body=_l("%(accepted)s of %(n)s disputed lines accepted, %(rejected)s rejected.", accepted=accepted,
                n=len(dispute.lines), rejected=len(dispute.lines) - accepted),
        link=notifications.link_to("statements.detail", month=period, partner_id=statement.partner_id))


def close_statement(session: Session, user, statement: Statement) -> None:
    """Close a disputed statement once its own disputes are answered or carried."""
    ensure_answered(session, statement)
    if statement.status == StatementStatus.CLOSED:
        return
    before = statement.status.value
    statement.status, statement.closed_at = StatementStatus.CLOSED, clock.now()
    audit.record(session, user, "statement.closed", "statement", statement.id, before={"status": before},
                 after={"status": "closed"}, summary=f"statement {statement.id} closed after its disputes")


def pending_carried(session: Session, partner_id: int | None = None) -> list[DisputedLine]:
    """Return the accepted lines of carried disputes (of ``partner_id``, else of everyone) not booked into any
    statement yet."""
    booked = select(Adjustment.disputed_line_id).where(Adjustment.disputed_line_id.is_not(None))
    query = (select(DisputedLine).join(Dispute, DisputedLine.dispute_id == Dispute.id)
             .join(Statement, Dispute.statement_id == Statement.id)
             .where(Dispute.carried_to_period_id.is_not(None), DisputedLine.outcome == LineOutcome.ACCEPTED,
                    DisputedLine.id.not_in(booked)))
    if partner_id is not None:
        query = query.where(Statement.partner_id == partner_id)
    return list(session.scalars(query.order_by(DisputedLine.id)))
