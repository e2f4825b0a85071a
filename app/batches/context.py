"""What a batch page and finance's approval task show: totals, changes against the previous period, who prepared
and decided it, whether the reader may decide it, and the open approval task."""

from flask_login import current_user
from sqlalchemy import select

import workflows
from app.extensions import db
from app.models import Role
from app.models import User
from app.models.invoice import InvoiceBatch
from app.services.batches import approval
from app.services.batches import building


def batch_context(batch: InvoiceBatch, show: str | None = None) -> dict:
    """Return the batch's context; ``show`` keeps only one kind of change (new, changed, same, gone)."""
    comparison = building.compare(db.session, batch)
    rows = [row for row in comparison.rows if not show or row.status == show]
    finance = current_user.has_role(Role.FINANCE)
    tasks = [t for t in workflows.ready_tasks(db.session, role="finance")
             if t.bpmn_id == "finance_approval" and t.period == batch.period.label] if finance else []
    return {"batch": batch, "comparison": comparison, "rows": rows, "show": show or "", "names": names([batch]),
            "conflict": approval.conflict(batch, current_user) if finance else None,
            "approval_task": tasks[0] if tasks else None}


def names(batches) -> dict[int, str]:
    """Return the display names of the people who validated, prepared and decided ``batches``."""
    ids = {i for b in batches for i in (b.built_by, b.decided_by, b.period.validated_by) if i}
    users = db.session.scalars(select(User).where(User.id.in_(ids))) if ids else []
    return {u.id: u.full_name or u.username for u in users}
