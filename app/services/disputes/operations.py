"""What the service tasks of ``bpmn/statement_review.bpmn`` call: accepting a statement when its dispute window
closes unanswered, and telling the back-office lead that a dispute resolution is late.

Operations receive the ``ProcessInstanceInfo`` and the task data and return decisions only.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

import workflows
from app.models import Partner
from app.models import Role
from app.models.statement import Statement
from app.services import notifications
from app.services.disputes import raising
from app.services.statements import publishing
from calc.inputs import period_from_text


def statement_of(session: Session, data: dict) -> Statement | None:
    """Return the statement a review is about (by id in the data, else by period and partner)."""
    if data.get("statement_id"):
        return session.get(Statement, data["statement_id"])
    if not data.get("period") or not data.get("partner_id"):
        return None
    return publishing.published(session, period_from_text(data["period"]), data["partner_id"])


def accept_statement_by_default(session: Session, instance, data: dict) -> dict:
    """The dispute window closed without an answer: the statement stands as published."""
    statement = statement_of(session, data)
    if statement is not None:
        raising.accept_by_default(session, statement)
    return {"decision": "accept", "outcome": "accepted_by_default"}


def notify_escalation(session: Session, instance, data: dict) -> dict:
    """The resolution SLA passed: tell the back-office lead."""
    partner = session.get(Partner, data["partner_id"]) if data.get("partner_id") else None
    name = partner.name if partner else instance.business_key
    statement = statement_of(session, data)
    link = (notifications.link_to("statements.detail", month=data["period"], partner_id=statement.partner_id)
            if statement is not None else notifications.link_to("inbox.process", instance_id=instance.id))
    notifications.notify(
        session, role=Role.BACKOFFICE_LEAD, kind="dispute_escalated",
        title=_l("Late dispute resolution: %(partner)s, %(period)s", partner=name, period=data.get("period") or ""),
        body=_l("The dispute of %(partner)s on its statement of %(period)s is not resolved within the agreed time.",
                partner=name, period=data.get("period") or ""), link=link)
    return {"escalated": True}


def register_operations() -> None:
    """Make the statement review's operations callable from its service tasks."""
    workflows.register_operation("accept_statement_by_default", accept_statement_by_default)
    workflows.register_operation("notify_escalation", notify_escalation)
