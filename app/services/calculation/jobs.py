"""Calculation runs started from the pages: in the background, one at a time per period, progress readable.

``workflows.jobs`` runs the BPMN service tasks of a process instance (a job row belongs to an instance and a
task), so a run started by hand from the runs page does not fit there; until the commission-cycle process
starts runs itself, a page starts one here: a thread with its own app context and database session calls
``runner.run_period`` in one transaction, exactly like ``flask calc run``. While it works, its percent and
message live in this process's memory (the run's row is only written, with its lines, when it commits); once it
has finished, the ``calculation_run`` rows tell the outcome to any process. With ``CALCULATION_INLINE`` set (tests,
the single-threaded CLI) the run happens in the caller's thread, before ``start`` returns.
"""

import logging
import threading
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import date
from datetime import datetime

from flask import Flask

from app.extensions import db
from app.models import User
from app.services.calculation import runner
from app.services.calculation.runner import CalculationError
from app.services.calculation.runner import RunOutcome

logger = logging.getLogger(__name__)
REGISTRY = "calculation_jobs"


class AlreadyRunning(CalculationError):
    """A run of the same period is still working."""


@dataclass
class Job:
    """One calculation started from the pages, as the pages see it."""

    month: date
    user_id: int | None
    percent: int = 0
    message: str = "queued"
    state: str = "running"
    outcome: RunOutcome | None = None
    error: str | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def finished(self) -> bool:
        return self.state != "running"

    def report(self, percent: int, message: str) -> None:
        """Record the runner's progress (called from the job's thread)."""
        self.percent, self.message = max(0, min(100, int(percent))), message

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a background job to finish; return whether it has."""
        if self.thread is not None:
            self.thread.join(timeout)
        return self.finished


class _Registry:
    def __init__(self):
        self.lock = threading.Lock()
        self.jobs: dict[date, Job] = {}


def _registry(app: Flask) -> _Registry:
    registry = app.extensions.get(REGISTRY)
    if registry is None:
        registry = app.extensions.setdefault(REGISTRY, _Registry())
    return registry


def current(app: Flask, month: date) -> Job | None:
    """Return the latest job of ``month`` started in this process, running or finished."""
    return _registry(app).jobs.get(month)


def start(app: Flask, user, month: date) -> Job:
    """Start calculating ``month``; raise AlreadyRunning while an earlier start of it still works."""
    registry = _registry(app)
    with registry.lock:
        running = registry.jobs.get(month)
        if running is not None and not running.finished:
            raise AlreadyRunning(f"period {month.strftime('%Y-%m')} is already being calculated")
        job = Job(month=month, user_id=getattr(user, "id", None))
        registry.jobs[month] = job
    if app.config.get("CALCULATION_INLINE"):
        _execute(app, job)
    else:
        job.thread = threading.Thread(target=_execute, args=(app, job), name=f"calc-{month:%Y-%m}", daemon=True)
        job.thread.start()
    return job


def _execute(app: Flask, job: Job) -> None:
    # A fresh app context gives this job its own scoped session, even when it runs inline inside a request.
    with app.app_context():
        session = db.session
        try:
            user = session.get(User, job.user_id) if job.user_id else None
            try:
                outcome = runner.run_period(session, user, job.month, progress=job.report)
                session.commit()
            except Exception as exc:
                session.rollback()
                logger.warning("calculation of %s failed: %s", job.month, exc)
                runner.record_failure(session, user, job.month, exc)
                session.commit()
                job.state, job.error = "failed", f"{type(exc).__name__}: {exc}"
            else:
                job.outcome, job.state, job.percent = outcome, "succeeded", 100
        except Exception as exc:  # even recording the failure failed: still tell the page
            session.rollback()
            logger.exception("calculation job of %s broke", job.month)
            job.state, job.error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            job.finished_at = datetime.now(UTC)
            db.session.remove()
