"""What the inbox views need besides the façade: who may act on a task, completing it with a clear message,
and the contexts of the inbox and task pages (one function each, shared by page and fragment)."""

from dataclasses import dataclass

from flask import abort
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select

import workflows
from app.models import Role
from app.models import User
from app.services import cycle
from app.services.batches import approval
from app.services.batches import building
from app.services.disputes.raising import DisputeError
from workflows import clock


def task_or_404(session, task_id: str) -> workflows.HumanTaskInfo:
    """Return the task or abort with 404."""
    try:
        return workflows.get_task(session, task_id)
    except workflows.TaskNotFound:
        abort(404)


def may_act(task: workflows.HumanTaskInfo, user) -> bool:
    """Return whether ``user`` holds the task's role and, for a partner task, is that partner."""
    if task.role and not user.has_role(Role(task.role)):
        return False
    return task.partner_id is None or user.partner_id == task.partner_id


def ensure_may_act(task: workflows.HumanTaskInfo, user) -> None:
    """Abort with 403 unless ``user`` may work on the task."""
    if not may_act(task, user):
        abort(403)


def _name(session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return (user.full_name or user.username) if user else _("someone")


def _when(value) -> str:
    return format_datetime(value, "dd/MM/yyyy HH:mm") if value else "—"


def error_message(exc: workflows.WorkflowError) -> str:
    """Return the message a person reads for a refused task action."""
    if isinstance(exc, workflows.TaskAlreadyCompleted):
        return _("Already done by %(who)s at %(when)s.", who=exc.completed_by, when=_when(exc.completed_at))
    if isinstance(exc, workflows.TaskClaimed):
        return _("%(who)s is working on this task since %(when)s.", who=exc.claimed_by, when=_when(exc.claimed_at))
    if isinstance(exc, workflows.TaskNotActive):
        return _("This task is no longer active: the process moved on without it.")
    if isinstance(exc, workflows.NotAllowed):
        return _("You may not work on this task.")
    return _("The task could not be completed: %(error)s", error=str(exc))


def refusal_message(exc) -> str:
    """Return the segregation-of-duties refusal a finance user reads."""
    if exc.reason == "validated":
        return _("Segregation of duties: you validated the calculation of this period, so another finance user "
                 "must decide this batch.")
    return _("Segregation of duties: you prepared this batch, so another finance user must decide it.")


def not_open_message(session, task: workflows.HumanTaskInfo) -> str:
    """Return why a task no longer waits for anyone."""
    if task.status == "completed":
        return _("Already done by %(who)s at %(when)s.", who=_name(session, task.completed_by),
                 when=_when(task.completed_at))
    return _("This task is no longer active: the process moved on without it.")


@dataclass(frozen=True)
class Completion:
    """What completing a task gave: done, or why not, and whether the person stays on the task page to mend it
    (a business rule refused the decision) or goes back to the inbox (the task moved on without them)."""

    ok: bool
    message: str
    stay: bool = False


def complete(session, user, task: workflows.HumanTaskInfo, form) -> Completion:
    """Record the form's decision, complete the task and commit; return whether it worked and the message."""
    try:
        cycle.complete(session, user, task, form.record(session, user))
        session.commit()
    except approval.SegregationOfDuties as exc:
        session.rollback()
        return Completion(False, refusal_message(exc), stay=True)
    except (cycle.CycleError, building.BatchError, DisputeError) as exc:
        session.rollback()
        return Completion(False, str(exc), stay=True)
    except workflows.WorkflowError as exc:
        session.rollback()
        return Completion(False, error_message(exc))
    return Completion(True, _("Done: %(task)s.", task=task.title))


def page_context(session, task: workflows.HumanTaskInfo, page) -> dict:
    """Return the context of a task page: the process data, who has it, and the form's own context."""
    data = workflows.task_data(session, task.id) if task.status == "open" else {}
    return {"data": data, "claimed_by": _name(session, task.claimed_by) if task.claimed_by else None,
            "not_open": None if task.status == "open" else not_open_message(session, task),
            "overdue": bool(task.due_at and task.due_at < clock.now()), **page.context(session, task, data)}


def inbox_context(session, user, form) -> dict:
    """Return my ready tasks filtered by process, period and role, with claimers' names and overdue flags."""
    found = workflows.ready_tasks(session, user=user, role=form.role.data or None)
    found = [t for t in found if (not form.process_id.data or t.process_id == form.process_id.data)
             and (not form.period.data or t.period == form.period.data)]
    ids = {t.claimed_by for t in found if t.claimed_by}
    names = {u.id: u.full_name or u.username for u in session.scalars(select(User).where(User.id.in_(ids)))} \
        if ids else {}
    now = clock.now()
    return {"tasks": found, "names": names, "now": now,
            "overdue": {t.id for t in found if t.due_at and t.due_at < now}}


def safe_next(target: str | None) -> str | None:
    """Return a local path to go back to, or None."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None
