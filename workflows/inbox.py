"""The inbox: ``human_task`` rows kept in step with the engine after every save, and the claim on a task.

A lane's name is the role that works its tasks (backoffice, backoffice_lead, finance, partner...); a task in the
partner lane also carries the instance's partner, so a partner user only sees its own. Rows are never deleted:
a completed task keeps who completed it and when (that is how a late second click learns who was first), and a
task the flow moved past (a timer fired first) is marked cancelled.
"""

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.models import HumanTask
from app.models import HumanTaskStatus
from app.models import ProcessInstance
from app.models import Role
from app.models import User
from workflows import clock
from workflows.errors import NotAllowed
from workflows.errors import TaskAlreadyCompleted
from workflows.errors import TaskClaimed
from workflows.errors import TaskNotActive
from workflows.errors import TaskNotFound
from workflows.runtime import Runtime
from workflows.types import HumanTaskInfo

PARTNER_LANE = Role.PARTNER.value


def refresh(session: Session, row: ProcessInstance, runtime: Runtime, completed: dict[str, object],
            new: bool = False) -> None:
    """Bring the inbox rows of an instance in line with its ready user tasks.

    ``completed`` maps the ids of tasks completed in this unit of work to the user who completed them; a
    ``new`` instance has no rows yet.
    """
    ready = {task.task_uuid: task for task in runtime.ready_tasks()}
    now = clock.now()
    open_rows = () if new else session.scalars(
        select(HumanTask).where(HumanTask.instance_id == row.id, HumanTask.status == HumanTaskStatus.OPEN))
    seen = set()
    for task_row in open_rows:
        seen.add(task_row.task_uuid)
        if task_row.task_uuid in ready:
            continue
        if task_row.task_uuid in completed:
            task_row.status = HumanTaskStatus.COMPLETED
            task_row.completed_by = getattr(completed[task_row.task_uuid], "id", None)
            task_row.completed_at = now
        else:
            task_row.status = HumanTaskStatus.CANCELLED
            task_row.completed_at = now
    for task_uuid, task in ready.items():
        if task_uuid in seen:
            continue
        session.add(HumanTask(
            instance_id=row.id,
            task_uuid=task_uuid,
            bpmn_id=task.bpmn_id,
            title=task.title[:200],
            lane=task.lane,
            role=task.lane,
            form_name=task.form_name,
            partner_id=row.partner_id if task.lane == PARTNER_LANE else None,
            due_at=task.due_at,
            status=HumanTaskStatus.OPEN,
            created_at=now,
        ))


def row_for(session: Session, task_id: str, *, fresh: bool = False) -> HumanTask:
    """Return the inbox row of a task (re-read from the database when ``fresh``)."""
    query = select(HumanTask).where(HumanTask.task_uuid == str(task_id))
    if fresh:
        query = query.execution_options(populate_existing=True)
    task_row = session.scalar(query)
    if task_row is None:
        raise TaskNotFound(f"no task {task_id}")
    return task_row


def info(session: Session, task_row: HumanTask) -> HumanTaskInfo:
    """Return the info of an inbox row."""
    return HumanTaskInfo.of(task_row, session.get(ProcessInstance, task_row.instance_id))


def ensure_open(session: Session, task_row: HumanTask) -> None:
    """Raise unless the task still waits for someone; a completed one says by whom and when."""
    if task_row.status == HumanTaskStatus.COMPLETED:
        raise TaskAlreadyCompleted(task_row.title, _name(session, task_row.completed_by), task_row.completed_at)
    if task_row.status == HumanTaskStatus.CANCELLED:
        raise TaskNotActive(f"Task '{task_row.title}' is no longer active: the process moved on without it.")


def ensure_may_act(session: Session, task_row: HumanTask, user) -> None:
    """Raise unless ``user`` holds the task's role (and is the task's partner) and no one else claimed it."""
    if user is None:
        raise NotAllowed("a task is completed by a signed-in user")
    if task_row.role and not user.has_role(Role(task_row.role)):
        raise NotAllowed(f"Task '{task_row.title}' is for role {task_row.role}.")
    if task_row.partner_id is not None and user.partner_id != task_row.partner_id:
        raise NotAllowed(f"Task '{task_row.title}' belongs to another partner.")
    if task_row.claimed_by not in (None, user.id):
        raise TaskClaimed(task_row.title, _name(session, task_row.claimed_by), task_row.claimed_at)


def ready_for(session: Session, *, user=None, role: str | None = None, instance_id: int | None = None,
              partner_id: int | None = None, limit: int = 500) -> list[HumanTaskInfo]:
    """Return open tasks, filtered by what ``user`` may work on, a role, an instance or a partner."""
    query = (select(HumanTask, ProcessInstance)
             .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
             .where(HumanTask.status == HumanTaskStatus.OPEN))
    if user is not None:
        roles = [r.value for r in user.roles]
        query = query.where(HumanTask.role.in_(roles))
        query = query.where(or_(HumanTask.partner_id.is_(None), HumanTask.partner_id == user.partner_id))
    if role is not None:
        query = query.where(HumanTask.role == role)
    if instance_id is not None:
        query = query.where(HumanTask.instance_id == instance_id)
    if partner_id is not None:
        query = query.where(HumanTask.partner_id == partner_id)
    query = query.order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id).limit(limit)
    return [HumanTaskInfo.of(task_row, instance) for task_row, instance in session.execute(query)]


def claim(session: Session, task_row: HumanTask, user) -> bool:
    """Claim an open task for ``user``; return False if it was already theirs."""
    ensure_open(session, task_row)
    ensure_may_act(session, task_row, user)
    if task_row.claimed_by == user.id:
        return False
    result = session.execute(
        update(HumanTask)
        .where(HumanTask.id == task_row.id, HumanTask.claimed_by.is_(None),
               HumanTask.status == HumanTaskStatus.OPEN)
        .values(claimed_by=user.id, claimed_at=clock.now())
        .execution_options(synchronize_session=False))
    fresh = row_for(session, task_row.task_uuid, fresh=True)
    if result.rowcount != 1:
        ensure_open(session, fresh)
        raise TaskClaimed(fresh.title, _name(session, fresh.claimed_by), fresh.claimed_at)
    return True


def release(session: Session, task_row: HumanTask, user) -> None:
    """Give a claimed task back to its role; only the claimer or an admin may."""
    ensure_open(session, task_row)
    if task_row.claimed_by is None:
        return
    if user is None or (task_row.claimed_by != user.id and not user.has_role(Role.ADMIN)):
        raise TaskClaimed(task_row.title, _name(session, task_row.claimed_by), task_row.claimed_at)
    task_row.claimed_by = None
    task_row.claimed_at = None


def _name(session: Session, user_id: int | None) -> str:
    if user_id is None:
        return "someone"
    user = session.get(User, user_id)
    return user.full_name or user.username if user is not None else f"user {user_id}"
