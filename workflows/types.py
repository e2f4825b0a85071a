"""What callers of the façade get back: the project's own frozen dataclasses, never engine objects."""

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from app.models import HumanTask
from app.models import ProcessEvent
from app.models import ProcessInstance
from app.models import WorkflowJob
from workflows.clock import as_utc

_EMPTY: MappingProxyType = MappingProxyType({})


@dataclass(frozen=True)
class ProcessInstanceInfo:
    """A process instance as the app sees it."""

    id: int
    process_id: str
    business_key: str
    period: str | None
    partner_id: int | None
    status: str
    version: int
    definition_id: int
    next_timer_at: datetime | None
    error_message: str | None
    error_task: str | None
    created_by: int | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None

    @property
    def is_error(self) -> bool:
        """Return whether the instance stopped on a failed step."""
        return self.status == "error"

    @classmethod
    def of(cls, row: ProcessInstance) -> "ProcessInstanceInfo":
        """Return the info of an instance row."""
        return cls(
            id=row.id,
            process_id=row.process_id,
            business_key=row.business_key,
            period=row.period,
            partner_id=row.partner_id,
            status=row.status.value,
            version=row.version,
            definition_id=row.definition_id,
            next_timer_at=as_utc(row.next_timer_at),
            error_message=row.error_message,
            error_task=row.error_task,
            created_by=row.created_by,
            created_at=as_utc(row.created_at),
            updated_at=as_utc(row.updated_at),
            completed_at=as_utc(row.completed_at),
        )


@dataclass(frozen=True)
class HumanTaskInfo:
    """A user task in the inbox: who should act (role, partner), on which form, by when, and its claim."""

    id: str
    instance_id: int
    process_id: str
    business_key: str
    period: str | None
    bpmn_id: str
    title: str
    lane: str | None
    role: str | None
    form_name: str | None
    partner_id: int | None
    due_at: datetime | None
    status: str
    claimed_by: int | None
    claimed_at: datetime | None
    completed_by: int | None
    completed_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, row: HumanTask, instance: ProcessInstance) -> "HumanTaskInfo":
        """Return the info of an inbox row."""
        return cls(
            id=row.task_uuid,
            instance_id=row.instance_id,
            process_id=instance.process_id,
            business_key=instance.business_key,
            period=instance.period,
            bpmn_id=row.bpmn_id,
            title=row.title,
            lane=row.lane,
            role=row.role,
            form_name=row.form_name,
            partner_id=row.partner_id,
            due_at=as_utc(row.due_at),
            status=row.status.value,
            claimed_by=row.claimed_by,
            claimed_at=as_utc(row.claimed_at),
            completed_by=row.completed_by,
            completed_at=as_utc(row.completed_at),
            created_at=as_utc(row.created_at),
        )


@dataclass(frozen=True)
class HistoryEvent:
    """One line of an instance's history, for auditors."""

    id: int
    instance_id: int
    at: datetime
    event_type: str
    actor: str
    user_id: int | None
    task_id: str | None
    bpmn_id: str | None
    data: Any = field(default_factory=lambda: _EMPTY)

    @classmethod
    def of(cls, row: ProcessEvent) -> "HistoryEvent":
        """Return the history line of an event row."""
        return cls(
            id=row.id,
            instance_id=row.instance_id,
            at=as_utc(row.at),
            event_type=row.event_type,
            actor=row.actor,
            user_id=row.user_id,
            task_id=row.task_uuid,
            bpmn_id=row.bpmn_id,
            data=MappingProxyType(dict(row.data or {})),
        )


@dataclass(frozen=True)
class JobInfo:
    """A background service task and its progress."""

    id: int
    instance_id: int
    task_id: str
    bpmn_id: str
    operation: str
    status: str
    percent: int
    message: str | None
    attempts: int
    worker: str | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, row: WorkflowJob) -> "JobInfo":
        """Return the info of a job row."""
        return cls(
            id=row.id,
            instance_id=row.instance_id,
            task_id=row.task_uuid,
            bpmn_id=row.bpmn_id,
            operation=row.operation,
            status=row.status.value,
            percent=row.percent,
            message=row.message,
            attempts=row.attempts,
            worker=row.worker,
            error=row.error,
            created_at=as_utc(row.created_at),
            started_at=as_utc(row.started_at),
            finished_at=as_utc(row.finished_at),
        )
