"""Running background service tasks: the job function, and the embedded in-process worker (a thread pool).

``run_job`` is the one job function, whoever calls it (a worker thread here, a Celery task in
``workflows.celery_app``, a test): claim the job, run its operation, then complete the STARTED task and run the
instance on, all in one transaction. A failing operation rolls back its writes; the job is marked failed and the
instance goes into error with the message, for an admin to retry: never a silently stuck instance.
"""

import logging
import os
import socket
import threading

from sqlalchemy.orm import Session

from app.models import JobStatus
from app.models import WorkflowJob
from workflows import api
from workflows import clock
from workflows import jobs
from workflows import persistence
from workflows import service_tasks
from workflows.runtime import Emitted
from workflows.types import JobInfo

logger = logging.getLogger(__name__)


def worker_name(kind: str = "inprocess") -> str:
    """Return a name for this worker thread: kind, host, process and thread."""
    return f"{kind}:{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def run_job(session: Session, job_id: int, worker: str | None = None) -> JobInfo | None:
    """Run one queued job to the end and commit; return None when another worker had claimed it."""
    worker = worker or worker_name()
    if not jobs.claim(session, job_id, worker):
        session.rollback()
        return None
    session.commit()
    token = jobs.running(job_id, session.get_bind())
    try:
        _run(session, job_id)
        session.commit()
    except Exception as exc:
        session.rollback()
        logger.warning("workflow job %s failed: %s", job_id, exc)
        _fail(session, job_id, exc)
        session.commit()
    finally:
        jobs.stopped(token)
    return jobs.get(session, job_id)


def _run(session: Session, job_id: int) -> None:
    job = session.get(WorkflowJob, job_id)
    _, runtime = persistence.load(session, job.instance_id)
    if runtime.task_state(job.task_uuid) != "STARTED":
        raise RuntimeError(f"task {job.bpmn_id} is no longer waiting for its job")
    operation = service_tasks.get(job.operation)
    task = runtime.task(job.task_uuid)
    data = runtime.data(job.task_uuid) | task.task_spec.evaluate_parameters(task)
    try:
        result = service_tasks.check_result(operation.name, operation.function(session, runtime.info, data))
    except Exception as exc:
        raise RuntimeError(f"operation '{operation.name}' failed: {exc}") from exc

    def finish() -> None:
        row, runtime = persistence.load(session, job.instance_id, lock=True)
        runtime.finish_job(job.task_uuid, job.operation, result)
        persistence.save(session, row, runtime)

    with api._verb(session):
        persistence.retrying(session, finish, f"job {job_id}")
    job = session.get(WorkflowJob, job_id)
    job.status = JobStatus.DONE
    job.percent = 100
    job.finished_at = clock.now()


def _fail(session: Session, job_id: int, exc: Exception) -> None:
    job = session.get(WorkflowJob, job_id)
    message = str(exc) or type(exc).__name__
    job.status = JobStatus.FAILED
    job.error = message[:4000]
    job.finished_at = clock.now()

    def mark_error() -> None:
        row, runtime = persistence.load(session, job.instance_id, lock=True)
        runtime.error, runtime.error_task, runtime.state_is_sound = message, job.bpmn_id, False
        runtime.events.append(Emitted("job_failed", job.task_uuid, job.bpmn_id,
                                      {"job_id": job_id, "operation": job.operation, "message": message}))
        runtime.events.append(Emitted("error", job.task_uuid, job.bpmn_id, {"message": message}))
        persistence.save(session, row, runtime)

    persistence.retrying(session, mark_error, f"job {job_id}")


def run_pending(session: Session, limit: int = 100, worker: str | None = None) -> list[JobInfo]:
    """Run queued jobs one after the other in this thread (tests, ``flask workflows worker --once``)."""
    done = []
    for _ in range(limit):
        job_id = jobs.next_queued(session)
        session.rollback()
        if job_id is None:
            break
        info = run_job(session, job_id, worker or worker_name("inline"))
        if info is not None:
            done.append(info)
    return done


class Worker:
    """The embedded job runner: threads that work off the job table, woken when a job is queued."""

    def __init__(self, app, threads: int = 2, poll_seconds: float = 2.0):
        self.app = app
        self.threads = threads
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._pool: list[threading.Thread] = []

    def start(self) -> "Worker":
        """Start the threads and return self."""
        for index in range(self.threads):
            thread = threading.Thread(target=self._loop, name=f"workflow-worker-{index}", daemon=True)
            thread.start()
            self._pool.append(thread)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the threads to finish their current job and wait for them."""
        self._stop.set()
        wake = getattr(jobs.dispatcher(), "wake", None)
        if wake is not None:
            wake.set()
        for thread in self._pool:
            thread.join(timeout)
        self._pool.clear()

    def _loop(self) -> None:
        from app.extensions import db

        name = worker_name()
        while not self._stop.is_set():
            ran = False
            with self.app.app_context():
                try:
                    job_id = jobs.next_queued(db.session)
                    db.session.rollback()
                    if job_id is not None:
                        run_job(db.session, job_id, name)
                        ran = True
                except Exception:
                    logger.exception("workflow worker %s hit an error", name)
                finally:
                    db.session.remove()
            if not ran:
                wake = getattr(jobs.dispatcher(), "wake", None)
                if wake is not None:
                    wake.wait(self.poll_seconds)
                    wake.clear()
                else:
                    self._stop.wait(self.poll_seconds)
