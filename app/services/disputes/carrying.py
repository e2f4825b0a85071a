"""Disputes still open at the period's review deadline move to the next period.

The commission cycle calls ``carry_open_disputes`` when its review deadline passes. Each open dispute becomes
CARRIED to the next period (its ``CommissionPeriod`` row made if needed); its lines stay pending; its statement is
closed without their adjustments, so the period can be invoiced. The next period's statement of the partner shows
the carried dispute and the back-office answers it there (``resolving``): the adjustment lands in that period.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import CommissionPeriod
from app.models import Role
from app.models.statement import Dispute
from app.models.statement import DisputeStatus
from app.models.statement import Statement
from app.models.statement import StatementStatus
from app.services import audit
from app.services import notifications
from calc.inputs import next_month
from calc.inputs import period_from_text
from workflows import clock


def next_period(session: Session, month: date) -> CommissionPeriod:
    """Return the period after ``month``, making its row when it does not exist yet."""
    following = next_month(month)
    period = session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == following))
    if period is None:
        period = CommissionPeriod(month=following)
        session.add(period)
        session.flush()
        audit.record(session, None, "period.created", "commission_period", period.id,
                     after={"month": following, "why": "disputes carried"},
                     summary=f"period {period.label} created to receive carried disputes")
    return period


def open_disputes(session: Session, month: date) -> list[Dispute]:
    """Return the disputes of ``month``'s statements that are still open."""
    return list(session.scalars(
        select(Dispute).join(Statement, Dispute.statement_id == Statement.id)
        .join(CommissionPeriod, Statement.period_id == CommissionPeriod.id)
        .where(CommissionPeriod.month == month, Dispute.status == DisputeStatus.OPEN).order_by(Dispute.id)))


def carry(session: Session, user, month: date) -> list[Dispute]:
    """Carry the open disputes of ``month`` to the next period and close their statements; return them."""
    disputes = open_disputes(session, month)
    if not disputes:
        return []
    target = next_period(session, month)
    for dispute in disputes:
        dispute.status, dispute.carried_to_period_id = DisputeStatus.CARRIED, target.id
        audit.record(session, user, "dispute.carried", "dispute", dispute.id,
                     before={"status": "open"}, after={"status": "carried", "carried_to": target.label},
                     summary=f"dispute {dispute.id} carried to {target.label}")
        _close(session, user, dispute.statement, target)
        _tell(session, dispute, target)
    return disputes


def _close(session: Session, user, statement: Statement, target: CommissionPeriod) -> None:
    if statement.status == StatementStatus.CLOSED:
        return
    before = statement.status.value
    statement.status, statement.closed_at = StatementStatus.CLOSED, clock.now()
    audit.record(session, user, "statement.closed", "statement", statement.id, before={"status": before},
                 after={"status": "closed", "disputes_carried_to": target.label},
                 summary=f"statement {statement.id} closed at the review deadline, disputes carried")


def _tell(session: Session, dispute: Dispute, target: CommissionPeriod) -> None:
    statement = dispute.statement
    period = statement.period.label
    title = _l("Dispute on %(partner)s's statement of %(period)s carried to %(next)s",
               partner=statement.partner.name, period=period, next=target.label)
    body = _l("The review deadline of %(period)s passed with %(n)s disputed lines unanswered: they will be "
              "answered in %(next)s and any adjustment paid there.", period=period, n=len(dispute.lines),
              next=target.label)
    link = notifications.link_to("statements.detail", month=period, partner_id=statement.partner_id)
    notifications.notify(session, partner_id=statement.partner_id, role=Role.BACKOFFICE, kind="dispute_carried",
                         title=title, body=body, link=link)


def carry_open_disputes(session: Session, instance, data: dict) -> dict:
    """Service task of the commission cycle at the review deadline: carry the period's open disputes."""
    carried = carry(session, None, period_from_text(data["period"]))
    result = {"carried_disputes": len(carried)}
    if "review_count" in data:
        result["carried_reviews"] = int(data["review_count"]) - int(data.get("closed_reviews") or 0)
    return result
