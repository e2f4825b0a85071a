"""Messages between instances: what one instance throws and nobody in it catches is delivered to another.

After a unit of work is saved, its thrown messages wait in the session's outbox; the façade routes them once the
outermost verb is done (so an instance started from inside another's service task cannot be delivered to
before that other one has saved). Candidates are the instances of processes whose BPMN catches the message,
narrowed by the correlation properties that name instance columns (``period``, ``business_key``,
``partner_id``): ``review_closed`` correlated by period loads only the cycle of that period. The engine then
checks its own correlation; a message no instance waits for is recorded as dropped in the sender's history.
"""

from decimal import Decimal

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import InstanceStatus
from app.models import ProcessInstance
from workflows import events
from workflows import persistence
from workflows import specs

COLUMNS = ("period", "business_key", "partner_id")
MAX_HOPS = 20
LIVE = (InstanceStatus.RUNNING, InstanceStatus.WAITING, InstanceStatus.ERROR)


def event(name: str, payload: dict | None = None, correlations: dict | None = None) -> BpmnEvent:
    """Return a message event for ``send``: ``correlations`` is ``{key: {property: value}}`` as in the BPMN."""
    return BpmnEvent(MessageEventDefinition(name), payload or {}, correlations or {})


def route_outbox(session: Session) -> int:
    """Deliver every message waiting in the session's outbox (and those their delivery throws)."""
    delivered = 0
    for _ in range(MAX_HOPS):
        outbox = persistence.take_outbox(session)
        if not outbox:
            return delivered
        for source_id, thrown in outbox:
            delivered += deliver(session, thrown, source_id=source_id)
    raise RuntimeError(f"messages still bouncing between instances after {MAX_HOPS} hops")


def deliver(session: Session, thrown: BpmnEvent, *, source_id: int | None = None) -> int:
    """Deliver one message to the first candidate instance waiting for it; return 1 if one caught it."""
    for target_id in candidates(session, thrown):
        if target_id == source_id:
            continue

        def attempt(target_id=target_id) -> bool:
            row, runtime = persistence.load(session, target_id, lock=True)
            if not runtime.deliver(thrown):
                return False
            persistence.save(session, row, runtime)
            return True

        if persistence.retrying(session, attempt, f"message {thrown.event_definition.name}"):
            return 1
    if source_id is not None:
        events.record(session, source_id, "message_dropped", data={
            "name": thrown.event_definition.name, "payload": thrown.payload,
            "correlations": thrown.correlations, "reason": "no instance is waiting for it"})
    return 0


def candidates(session: Session, thrown: BpmnEvent) -> list[int]:
    """Return the ids of the live instances that may catch ``thrown``, narrowed by its correlations."""
    process_ids = specs.catchers(thrown.event_definition.name)
    if not process_ids:
        return []
    query = select(ProcessInstance.id).where(ProcessInstance.process_id.in_(sorted(process_ids)),
                                             ProcessInstance.status.in_(LIVE))
    for properties in (thrown.correlations or {}).values():
        for name, value in (properties or {}).items():
            if name in COLUMNS and value is not None:
                query = query.where(getattr(ProcessInstance, name) == _column_value(name, value))
    return list(session.scalars(query.order_by(ProcessInstance.id)))


def _column_value(name: str, value):
    if name == "partner_id" and isinstance(value, Decimal | str):
        return int(value)
    return str(value) if name != "partner_id" else value
