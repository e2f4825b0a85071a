"""The process history for auditors: every engine event in the append-only ``process_event`` table.

Rows are only inserted (database triggers refuse UPDATE and DELETE). Each says what happened to which task of
which instance, who did it ("system" for the engine, a timer or a worker) and with which data; ``history`` reads
one instance, ``search`` reads across instances by period, user, event type and date range.
"""

from datetime import date
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ProcessEvent
from app.models import ProcessInstance
from workflows import clock
from workflows.types import HistoryEvent

EVENT_TYPES = (
    "instance_started",
    "task_ready",
    "task_completed",
    "task_cancelled",
    "task_claimed",
    "task_released",
    "timer_fired",
    "message_sent",
    "message_received",
    "message_dropped",
    "service_started",
    "service_completed",
    "job_failed",
    "error",
    "retry",
    "instance_completed",
)


def plain(value):
    """Return ``value`` as JSON-safe data (Decimal and dates as text)."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


def record(session: Session, instance_id: int, event_type: str, *, user=None, task_uuid: str | None = None,
           bpmn_id: str | None = None, data: dict | None = None) -> None:
    """Append one event to the history of an instance."""
    record_many(session, [_values(instance_id, event_type, user, task_uuid, bpmn_id, data)])


def record_many(session: Session, rows: list[dict]) -> None:
    """Append several events in one statement (``values`` builds each row)."""
    if rows:
        session.execute(insert(ProcessEvent), rows)


def values(instance_id: int, event_type: str, user=None, task_uuid: str | None = None,
           bpmn_id: str | None = None, data: dict | None = None) -> dict:
    """Return the column values of one event row."""
    return _values(instance_id, event_type, user, task_uuid, bpmn_id, data)


def _values(instance_id, event_type, user, task_uuid, bpmn_id, data) -> dict:
    return {
        "instance_id": instance_id,
        "at": clock.now(),
        "event_type": event_type,
        "task_uuid": task_uuid,
        "bpmn_id": bpmn_id,
        "user_id": getattr(user, "id", None),
        "actor": getattr(user, "username", None) or "system",
        "data": plain(data) if data is not None else None,
    }


def history(session: Session, instance_id: int) -> list[HistoryEvent]:
    """Return the history of one instance, oldest first."""
    rows = session.scalars(
        select(ProcessEvent).where(ProcessEvent.instance_id == instance_id).order_by(ProcessEvent.id))
    return [HistoryEvent.of(row) for row in rows]


def search(session: Session, *, period: str | None = None, user_id: int | None = None,
           event_type: str | None = None, since: datetime | None = None, until: datetime | None = None,
           process_id: str | None = None, limit: int = 500) -> list[HistoryEvent]:
    """Return events across instances matching every filter given, newest first."""
    query = select(ProcessEvent)
    if period is not None or process_id is not None:
        query = query.join(ProcessInstance, ProcessInstance.id == ProcessEvent.instance_id)
        if period is not None:
            query = query.where(ProcessInstance.period == period)
        if process_id is not None:
            query = query.where(ProcessInstance.process_id == process_id)
    if user_id is not None:
        query = query.where(ProcessEvent.user_id == user_id)
    if event_type is not None:
        query = query.where(ProcessEvent.event_type == event_type)
    if since is not None:
        query = query.where(ProcessEvent.at >= clock.as_utc(since))
    if until is not None:
        query = query.where(ProcessEvent.at < clock.as_utc(until))
    rows = session.scalars(query.order_by(ProcessEvent.at.desc(), ProcessEvent.id.desc()).limit(limit))
    return [HistoryEvent.of(row) for row in rows]
