"""The job table: background service tasks queued in ``workflow_job``, claimed atomically, with progress.

Saving an instance whose service task runs in the background inserts a queued job; once the transaction
commits, the installed dispatcher is told (the in-process worker wakes up; the Celery dispatcher sends the job
id to Redis). Whoever runs a job claims it first with ``UPDATE ... WHERE status = 'queued'``, so a job runs once
even when an in-process worker and Celery both see it. ``workflows.worker`` runs the jobs.

An operation reports progress with ``report_progress(percent, message)``; the row is written on its own
connection so a page can read it while the job's transaction is still open. On SQLite, where one writer holds
the whole database, an update that would wait on the job's own open write is skipped rather than stall it.
"""

import contextvars
import logging
import threading
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.models import JobStatus
from app.models import WorkflowJob
from workflows import clock
from workflows.types import JobInfo

logger = logging.getLogger(__name__)
PENDING = "workflow_jobs_to_dispatch"


class InProcessDispatcher:
    """Wake the in-process worker threads of this process (they also poll the table)."""

    def __init__(self):
        self.wake = threading.Event()

    def dispatch(self, job_ids: list[int]) -> None:
        self.wake.set()


_dispatcher = InProcessDispatcher()


def dispatcher():
    """Return the installed dispatcher."""
    return _dispatcher


def use_dispatcher(new) -> object:
    """Install a dispatcher (``dispatch(job_ids)``) and return the one it replaces."""
    global _dispatcher
    previous, _dispatcher = _dispatcher, new
    return previous


def enqueue(session: Session, instance_id: int, request) -> WorkflowJob:
    """Queue the operation of a started service task; it is dispatched when the transaction commits."""
    job = WorkflowJob(instance_id=instance_id, task_uuid=request.task_uuid, bpmn_id=request.bpmn_id,
                      operation=request.operation, status=JobStatus.QUEUED, percent=0, attempts=0,
                      created_at=clock.now())
    session.add(job)
    session.flush()
    session.info.setdefault(PENDING, []).append(job.id)
    return job


def requeue(session: Session, job: WorkflowJob) -> None:
    """Queue a failed job again (retry)."""
    job.status = JobStatus.QUEUED
    job.error = None
    job.percent = 0
    job.message = None
    job.worker = None
    job.started_at = None
    job.finished_at = None
    session.flush()
    session.info.setdefault(PENDING, []).append(job.id)


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    job_ids = session.info.pop(PENDING, None)
    if job_ids:
        try:
            _dispatcher.dispatch(job_ids)
        except Exception:  # the job stays queued: a polling worker still finds it
            logger.exception("could not dispatch workflow jobs %s", job_ids)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def claim(session: Session, job_id: int, worker: str) -> bool:
    """Mark a queued job as running for ``worker``; return False if someone else has it."""
    result = session.execute(
        update(WorkflowJob)
        .where(WorkflowJob.id == job_id, WorkflowJob.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, worker=worker[:120], started_at=clock.now(),
                attempts=WorkflowJob.attempts + 1, percent=0, message=None)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def next_queued(session: Session) -> int | None:
    """Return the id of the oldest queued job."""
    return session.scalar(select(WorkflowJob.id).where(WorkflowJob.status == JobStatus.QUEUED)
                          .order_by(WorkflowJob.created_at, WorkflowJob.id).limit(1))


def get(session: Session, job_id: int) -> JobInfo | None:
    """Return a job and its progress."""
    row = session.scalar(select(WorkflowJob).where(WorkflowJob.id == job_id)
                         .execution_options(populate_existing=True))
    return None if row is None else JobInfo.of(row)


def for_instance(session: Session, instance_id: int) -> list[JobInfo]:
    """Return the jobs of an instance, oldest first."""
    rows = session.scalars(select(WorkflowJob).where(WorkflowJob.instance_id == instance_id)
                           .order_by(WorkflowJob.id).execution_options(populate_existing=True))
    return [JobInfo.of(row) for row in rows]


@dataclass
class _Running:
    job_id: int
    bind: object
    locked_out: bool = False  # SQLite: the job's own transaction holds the write lock until it commits


_running: contextvars.ContextVar[_Running | None] = contextvars.ContextVar("workflow_job", default=None)


def running(job_id: int, bind) -> contextvars.Token:
    """Note that this thread runs ``job_id`` (so ``report_progress`` knows which row to write)."""
    return _running.set(_Running(job_id, bind))


def stopped(token: contextvars.Token) -> None:
    """Undo ``running``."""
    _running.reset(token)


def report_progress(percent: int, message: str = "") -> bool:
    """Store the progress of the job running in this thread; return False outside a job or when skipped."""
    current = _running.get()
    if current is None:
        return False
    percent = max(0, min(100, int(percent)))
    engine = getattr(current.bind, "engine", current.bind)
    sqlite = engine.dialect.name == "sqlite"
    if current.locked_out:
        return False
    try:
        with engine.connect() as connection:
            if sqlite:
                connection.exec_driver_sql("PRAGMA busy_timeout = 200")
            try:
                connection.execute(update(WorkflowJob).where(WorkflowJob.id == current.job_id)
                                   .values(percent=percent, message=(message or "")[:300]))
                connection.commit()
            finally:
                if sqlite:
                    connection.exec_driver_sql("PRAGMA busy_timeout = 5000")
    except OperationalError:
        logger.info("progress of job %s skipped: the database is busy", current.job_id)
        # on SQLite the lock is the job's own write transaction, held until the job commits: stop waiting on it
        current.locked_out = sqlite
        return False
    return True
