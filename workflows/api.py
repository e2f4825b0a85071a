"""The façade's verbs: start, complete a task, claim or release it, advance, fire timers, retry, read.

Every verb takes the SQLAlchemy session (and the acting user where a person acts) and returns the project's own
dataclasses. Verbs flush but never commit: the caller owns the transaction, so a service can change its own
tables and advance a workflow atomically. Messages an instance throws are routed to their receivers when the
outermost verb of a session finishes. After a ``WorkflowError`` the caller should roll back.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import InstanceStatus
from app.models import JobStatus
from app.models import ProcessInstance
from app.models import Role
from app.models import WorkflowJob
from app.services import audit
from workflows import events
from workflows import inbox
from workflows import jobs
from workflows import messages
from workflows import persistence
from workflows import plain
from workflows.errors import InstanceExists
from workflows.errors import InvalidTaskData
from workflows.errors import NotAllowed
from workflows.errors import NotInError
from workflows.errors import TaskNotActive
from workflows.runtime import Emitted
from workflows.runtime import Runtime
from workflows.types import HumanTaskInfo
from workflows.types import ProcessInstanceInfo

DEPTH = "workflow_verb_depth"


@contextmanager
def _verb(session: Session) -> Iterator[None]:
    depth = session.info.get(DEPTH, 0)
    session.info[DEPTH] = depth + 1
    try:
        yield
    except BaseException:
        if depth == 0:
            persistence.take_outbox(session)
        raise
    finally:
        session.info[DEPTH] = depth
    if depth == 0:
        messages.route_outbox(session)


def start(session: Session, process_id: str, *, business_key: str, period: str | None = None,
          partner_id: int | None = None, variables: dict | None = None, user=None) -> ProcessInstanceInfo:
    """Start an instance of the current version of ``process_id`` and run it until it waits."""
    variables = check_data(dict(variables or {}))
    exists = select(ProcessInstance.id).where(ProcessInstance.process_id == process_id,
                                              ProcessInstance.business_key == business_key)
    if session.scalar(exists) is not None:
        raise InstanceExists(f"{process_id} {business_key!r} already exists")
    with _verb(session):
        row, parsed = persistence.create(session, process_id, business_key, period, partner_id, user)
        seed = {"instance_id": row.id, "business_key": business_key, "period": period, "partner_id": partner_id}
        seed = {key: value for key, value in seed.items() if value is not None} | variables
        runtime = Runtime.new(parsed, ProcessInstanceInfo.of(row), session, seed)
        runtime.events.append(Emitted("instance_started", data={
            "process_id": process_id, "version": parsed.content_hash[:12], "variables": variables}, user=user))
        runtime.start()
        persistence.save(session, row, runtime)
        return ProcessInstanceInfo.of(row)


def complete_task(session: Session, task_id: str, user, data: dict | None = None) -> ProcessInstanceInfo:
    """Complete a ready user task with form ``data`` as ``user``, and run the instance until it waits.

    Raises ``TaskAlreadyCompleted`` (naming who and when) when someone else completed it first.
    """
    data = check_data(dict(data or {}))

    def attempt() -> ProcessInstanceInfo:
        task_row = inbox.row_for(session, task_id, fresh=True)
        inbox.ensure_open(session, task_row)
        inbox.ensure_may_act(session, task_row, user)
        row, runtime = persistence.load(session, task_row.instance_id)
        if runtime.task_state(task_id) != "READY":  # completed between our two reads: say by whom
            inbox.ensure_open(session, inbox.row_for(session, task_id, fresh=True))
            raise TaskNotActive(f"Task '{task_row.title}' is not waiting for input.")
        runtime.complete_task(task_id, data, user)
        persistence.save(session, row, runtime, completed={str(task_id): user})
        audit.record(session, user, "workflow.task_completed", "human_task", task_row.id,
                     after={"instance_id": row.id, "task": task_row.bpmn_id, "data": data},
                     summary=f"{task_row.title} completed ({row.process_id} {row.business_key})")
        return ProcessInstanceInfo.of(row)

    def on_stale() -> None:
        inbox.ensure_open(session, inbox.row_for(session, task_id, fresh=True))

    with _verb(session):
        return persistence.retrying(session, attempt, f"task {task_id}", on_stale)


def claim_task(session: Session, task_id: str, user) -> HumanTaskInfo:
    """Claim a task for ``user`` so colleagues see someone is on it."""
    task_row = inbox.row_for(session, task_id, fresh=True)
    if inbox.claim(session, task_row, user):
        _record_person(session, task_row, "task_claimed", "workflow.task_claimed", user)
    return inbox.info(session, inbox.row_for(session, task_id, fresh=True))


def release_task(session: Session, task_id: str, user) -> HumanTaskInfo:
    """Release a claimed task back to its role."""
    task_row = inbox.row_for(session, task_id, fresh=True)
    if task_row.claimed_by is not None:
        inbox.release(session, task_row, user)
        _record_person(session, task_row, "task_released", "workflow.task_released", user)
    session.flush()
    return inbox.info(session, task_row)


def _record_person(session: Session, task_row, event_type: str, action: str, user) -> None:
    events.record(session, task_row.instance_id, event_type, user=user, task_uuid=task_row.task_uuid,
                   bpmn_id=task_row.bpmn_id)
    audit.record(session, user, action, "human_task", task_row.id,
                 after={"instance_id": task_row.instance_id, "task": task_row.bpmn_id},
                 summary=f"{task_row.title}: {event_type.replace('_', ' ')}")


def advance(session: Session, instance_id: int) -> ProcessInstanceInfo:
    """Run whatever is ready in an instance (due timers included) until it waits."""
    return _machine_step(session, instance_id, Runtime.advance)


def fire_timers(session: Session, instance_id: int) -> ProcessInstanceInfo:
    """Fire the due timers of one instance and run it until it waits."""
    return _machine_step(session, instance_id, Runtime.fire_timers)


def _machine_step(session: Session, instance_id: int, step) -> ProcessInstanceInfo:
    def attempt() -> ProcessInstanceInfo:
        row, runtime = persistence.load(session, instance_id, lock=True)
        step(runtime)
        persistence.save(session, row, runtime)
        return ProcessInstanceInfo.of(row)

    with _verb(session):
        return persistence.retrying(session, attempt, f"process instance {instance_id}")


def retry(session: Session, instance_id: int, user) -> ProcessInstanceInfo:
    """Run a failed instance again from its failed step (admins only): failed tasks and jobs go back to ready."""
    if user is None or not user.has_role(Role.ADMIN):
        raise NotAllowed("only an admin may retry a failed process")
    with _verb(session):
        row, runtime = persistence.load(session, instance_id, lock=True)
        if row.status != InstanceStatus.ERROR:
            raise NotInError(f"process instance {instance_id} is {row.status.value}, not in error")
        failed = {"message": row.error_message, "task": row.error_task}
        runtime.events.append(Emitted("retry", data=failed, user=user))
        runtime.retry()
        for job in session.scalars(select(WorkflowJob).where(WorkflowJob.instance_id == instance_id,
                                                             WorkflowJob.status == JobStatus.FAILED)):
            if runtime.task_state(job.task_uuid) == "STARTED":
                jobs.requeue(session, job)
        persistence.save(session, row, runtime)
        audit.record(session, user, "workflow.retried", "process_instance", row.id, before=failed,
                     after={"status": row.status.value},
                     summary=f"retry of {row.process_id} {row.business_key}")
        return ProcessInstanceInfo.of(row)


def send_message(session: Session, name: str, payload: dict | None = None,
                 correlations: dict | None = None) -> int:
    """Deliver a message from outside any instance; return how many instances caught it (0 or 1)."""
    with _verb(session):
        return messages.deliver(session, messages.event(name, check_data(dict(payload or {})), correlations))


# Reading


def get_instance(session: Session, instance_id: int) -> ProcessInstanceInfo:
    """Return one instance."""
    return ProcessInstanceInfo.of(persistence.get_row(session, instance_id))


def find_instance(session: Session, process_id: str, business_key: str) -> ProcessInstanceInfo | None:
    """Return the instance of ``process_id`` with this business key, if any."""
    row = session.scalar(select(ProcessInstance).where(ProcessInstance.process_id == process_id,
                                                       ProcessInstance.business_key == business_key))
    return None if row is None else ProcessInstanceInfo.of(row)


def list_instances(session: Session, *, process_id: str | None = None, period: str | None = None,
                   status: str | None = None, limit: int = 500) -> list[ProcessInstanceInfo]:
    """Return instances filtered by process, period and status, newest first."""
    query = select(ProcessInstance)
    if process_id is not None:
        query = query.where(ProcessInstance.process_id == process_id)
    if period is not None:
        query = query.where(ProcessInstance.period == period)
    if status is not None:
        query = query.where(ProcessInstance.status == InstanceStatus(status))
    rows = session.scalars(query.order_by(ProcessInstance.id.desc()).limit(limit))
    return [ProcessInstanceInfo.of(row) for row in rows]


def ready_tasks(session: Session, *, user=None, role: str | None = None, instance_id: int | None = None,
                partner_id: int | None = None, limit: int = 500) -> list[HumanTaskInfo]:
    """Return open human tasks (earliest due first): those ``user`` may work on, or by role, instance or partner."""
    return inbox.ready_for(session, user=user, role=role, instance_id=instance_id, partner_id=partner_id,
                           limit=limit)


def get_task(session: Session, task_id: str) -> HumanTaskInfo:
    """Return one human task (open or not)."""
    return inbox.info(session, inbox.row_for(session, task_id))


def task_data(session: Session, task_id: str) -> dict:
    """Return the process data a task's form sees (ids and decisions)."""
    task_row = inbox.row_for(session, task_id)
    _, runtime = persistence.load(session, task_row.instance_id)
    return runtime.data(task_id)


def check_data(data: dict, where: str = "data") -> dict:
    """Return ``data`` if it holds only ids and decisions: text, ints, Decimals, booleans, dates, lists, dicts."""
    for key in data:
        if not isinstance(key, str) or not key.isidentifier() or key.startswith("_"):
            raise InvalidTaskData(f"{where}: {key!r} is not a usable variable name")
    problem = plain.first_problem(data, where)
    if problem:
        raise InvalidTaskData(problem)
    return data
