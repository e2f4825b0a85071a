"""Loading and saving instances: one row per instance, the state as JSON without the spec, an optimistic lock.

``save`` writes ``UPDATE process_instance ... WHERE id = :id AND version = :seen`` first, so a unit of work that
lost a race fails before it writes anything else (``StaleInstance``); then it appends the history, refreshes the
inbox, queues background jobs and puts thrown messages in the session's outbox for the façade to route. The
caller owns the transaction: nothing here commits.

When a step failed without leaving a task in ERROR (the engine stopped half-way), the state is not saved: the
instance keeps its last good state and only its status, error message and history change.
"""

from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.models import InstanceStatus
from app.models import ProcessInstance
from workflows import clock
from workflows import events
from workflows import inbox
from workflows import jobs
from workflows import serializer
from workflows import specs
from workflows.errors import ConcurrentUpdate
from workflows.errors import InstanceNotFound
from workflows.runtime import Runtime
from workflows.types import ProcessInstanceInfo

OUTBOX = "workflow_outbox"


class StaleInstance(Exception):
    """Someone saved the instance after this unit of work read it; ``unsafe`` when operations already ran."""

    def __init__(self, message: str, unsafe: bool = False):
        super().__init__(message)
        self.unsafe = unsafe


def retrying(session: Session, attempt, what: str, on_stale=None, attempts: int = 3):
    """Return ``attempt()``, run again from a fresh read when it lost a race.

    Nothing is written before the versioned UPDATE, so a lost race leaves nothing to undo, unless a service
    operation already ran: then the caller must roll back and try again (``ConcurrentUpdate``). ``on_stale``
    runs first and may raise a clearer error (the task was completed by someone else).
    """
    for _ in range(attempts):
        try:
            return attempt()
        except StaleInstance as stale:
            if on_stale is not None:
                on_stale()
            if stale.unsafe:
                raise ConcurrentUpdate(f"{what}: the process instance changed meanwhile, try again") from stale
    raise ConcurrentUpdate(f"{what}: the process instance kept changing, try again")


def create(session: Session, process_id: str, business_key: str, period: str | None, partner_id: int | None,
           user) -> tuple[ProcessInstance, specs.ParsedProcess]:
    """Insert the row of a new instance pinned to the current version of its process."""
    definition, parsed = specs.ensure_definition(session, process_id)
    now = clock.now()
    row = ProcessInstance(
        definition_id=definition.id,
        process_id=process_id,
        business_key=business_key,
        period=period,
        partner_id=partner_id,
        status=InstanceStatus.RUNNING,
        state_json="{}",
        version=1,
        created_by=getattr(user, "id", None),
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row, parsed


def get_row(session: Session, instance_id: int, *, lock: bool = False, fresh: bool = True) -> ProcessInstance:
    """Return an instance row, re-read from the database; ``lock`` takes a row lock (PostgreSQL)."""
    query = select(ProcessInstance).where(ProcessInstance.id == instance_id)
    if fresh:
        query = query.execution_options(populate_existing=True)
    if lock:
        query = query.with_for_update(of=ProcessInstance)
    row = session.scalar(query)
    if row is None:
        raise InstanceNotFound(f"no process instance {instance_id}")
    return row


def load(session: Session, instance_id: int, *, lock: bool = False) -> tuple[ProcessInstance, Runtime]:
    """Return the row of an instance and a runtime holding its state."""
    row = get_row(session, instance_id, lock=lock)
    parsed = specs.for_definition(row.definition)
    workflow = serializer.loads(row.state_json, parsed)
    return row, Runtime(workflow, parsed, ProcessInstanceInfo.of(row), session)


def save(session: Session, row: ProcessInstance, runtime: Runtime, *, completed: dict | None = None) -> None:
    """Save the state of ``runtime`` if nobody saved the instance since it was read, then record its effects."""
    values = _values(row, runtime)
    result = session.execute(
        update(ProcessInstance)
        .where(ProcessInstance.id == row.id, ProcessInstance.version == row.version)
        .values(**values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise StaleInstance(f"process instance {row.id} changed since version {row.version}",
                            unsafe=runtime.operations_ran)
    for key, value in values.items():
        set_committed_value(row, key, value)
    runtime.info = ProcessInstanceInfo.of(row)
    events.record_many(session, [events.values(row.id, event.event_type, event.user, event.task_uuid,
                                               event.bpmn_id, event.data) for event in runtime.events])
    runtime.events.clear()
    if runtime.state_is_sound:
        inbox.refresh(session, row, runtime, completed or {}, new=row.version == 2)
    for request in runtime.jobs:
        jobs.enqueue(session, row.id, request)
    runtime.jobs.clear()
    session.info.setdefault(OUTBOX, []).extend((row.id, event) for event in runtime.messages)
    runtime.messages.clear()
    session.flush()


def _values(row: ProcessInstance, runtime: Runtime) -> dict:
    status = runtime.status()
    now = clock.now()
    values = {"status": status, "version": row.version + 1, "updated_at": now}
    if runtime.state_is_sound:
        values["state_json"] = serializer.dumps(runtime.workflow)
        values["next_timer_at"] = runtime.next_timer_at()
    if runtime.error:
        values["error_message"] = runtime.error[:4000]
        values["error_task"] = runtime.error_task
    elif status != InstanceStatus.ERROR:
        values["error_message"] = None
        values["error_task"] = None
    if status == InstanceStatus.COMPLETED and row.completed_at is None:
        values["completed_at"] = now
    return values


def take_outbox(session: Session) -> list:
    """Return and clear the messages thrown by instances saved in this session."""
    return session.info.pop(OUTBOX, [])
