"""Workflow state: process definitions, running instances, the human-task inbox, the process history and jobs.

These tables belong to the ``workflows`` package, which is the only code that reads or writes them; the rest of
the app goes through its façade. An instance's engine state is one JSON text (``state_json``) serialized without
the process spec: the spec lives once per version in ``process_definition``, keyed by process id and the sha256
of the BPMN file, and an instance keeps the version it started with. ``version`` is an optimistic lock: every
save is ``UPDATE ... WHERE version = :seen``, so two people completing the same task cannot both win.

``process_event`` is append-only like ``audit_entry``: database triggers (migration 0003) refuse UPDATE and DELETE.
"""

import enum
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import func
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import deferred
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.types import StrEnum


class InstanceStatus(enum.Enum):
    """Where an instance stands.

    running: a person or a background job has work on it; waiting: it only waits for a timer or a message;
    completed: it reached its end; error: a step failed and an admin must retry it.
    """

    RUNNING = "running"
    WAITING = "waiting"
    COMPLETED = "completed"
    ERROR = "error"


class HumanTaskStatus(enum.Enum):
    """An inbox row: open until someone completes it, or cancelled when the flow moved on without it."""

    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class JobStatus(enum.Enum):
    """A background service task: queued, claimed by a worker, then done or failed."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ProcessDefinition(db.Model):
    """One version of one BPMN process, identified by the sha256 of its file."""

    __tablename__ = "process_definition"
    __table_args__ = (UniqueConstraint("process_id", "content_hash", name="uq_process_definition_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255))
    bpmn_xml: Mapped[str] = deferred(mapped_column(Text, nullable=False))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ProcessInstance(db.Model):
    """One run of a process (a commission cycle for a period, a statement review for a partner and period)."""

    __tablename__ = "process_instance"
    __table_args__ = (UniqueConstraint("process_id", "business_key", name="uq_process_instance_business_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(100))
    business_key: Mapped[str] = mapped_column(String(120))
    period: Mapped[str | None] = mapped_column(String(20), index=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"), index=True)
    status: Mapped[InstanceStatus] = mapped_column(StrEnum(InstanceStatus), index=True)
    state_json: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    next_timer_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    error_message: Mapped[str | None] = mapped_column(Text)
    error_task: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    definition: Mapped[ProcessDefinition] = relationship(lazy="joined", innerjoin=True)


class HumanTask(db.Model):
    """The inbox: one row per user task that became ready, refreshed after every save of its instance."""

    __tablename__ = "human_task"
    __table_args__ = (
        Index("ix_human_task_role_status", "role", "status"),
        Index("ix_human_task_partner_status", "partner_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    bpmn_id: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    lane: Mapped[str | None] = mapped_column(String(60))
    role: Mapped[str | None] = mapped_column(String(24))
    form_name: Mapped[str | None] = mapped_column(String(100))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    status: Mapped[HumanTaskStatus] = mapped_column(StrEnum(HumanTaskStatus))
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProcessEvent(db.Model):
    """One engine event for auditors: started, task ready or completed (by whom, with which data), timer fired,
    message sent or received, service task started or completed, error, retry, claim, release."""

    __tablename__ = "process_event"
    __table_args__ = (Index("ix_process_event_instance_at", "instance_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    event_type: Mapped[str] = mapped_column(String(40), index=True)
    task_uuid: Mapped[str | None] = mapped_column(String(36))
    bpmn_id: Mapped[str | None] = mapped_column(String(100))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    actor: Mapped[str] = mapped_column(String(80))
    data: Mapped[dict | None] = mapped_column(JSON)


class WorkflowJob(db.Model):
    """A long service task run in the background; its progress is readable while it runs."""

    __tablename__ = "workflow_job"
    __table_args__ = (Index("ix_workflow_job_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_uuid: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(100))
    operation: Mapped[str] = mapped_column(String(100))
    status: Mapped[JobStatus] = mapped_column(StrEnum(JobStatus))
    percent: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(String(300))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(120))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
