"""Celery on Redis: the scale-out runner for background service tasks.

The job table stays the queue of record; Celery only carries job ids. ``make_celery(flask_app)`` returns a
Celery app configured from ``REDIS_URL`` with one task, ``workflows.run_job``, which runs the same job function
as the in-process worker inside the Flask app's context. ``CeleryDispatcher`` sends a job id to it once the
transaction that queued the job has committed.

Run a worker with ``celery -A workflows.celery_worker worker``; install the dispatcher in the web app with
``jobs.use_dispatcher(CeleryDispatcher(make_celery(app)))`` (``workflows.init_app`` does this when
``WORKFLOW_JOB_RUNNER = "celery"``).
"""

from celery import Celery

TASK_NAME = "workflows.run_job"


def make_celery(flask_app, broker_url: str | None = None) -> Celery:
    """Return a Celery app whose ``workflows.run_job`` task runs jobs in ``flask_app``'s context."""
    url = broker_url or flask_app.config.get("REDIS_URL")
    if not url:
        raise RuntimeError("REDIS_URL is not set: the Celery job runner needs a Redis broker")
    celery = Celery("mandato-workflows", broker=url, set_as_current=False)
    celery.conf.update(
        task_ignore_result=True,
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        task_default_queue="workflows",
    )

    @celery.task(name=TASK_NAME, bind=True, shared=False)
    def run_job(task, job_id: int):
        from app.extensions import db
        from workflows import worker

        with flask_app.app_context():
            try:
                info = worker.run_job(db.session, job_id, worker.worker_name(f"celery:{task.request.hostname}"))
            finally:
                db.session.remove()
        return None if info is None else info.status

    return celery


class CeleryDispatcher:
    """Send queued job ids to the Celery workers."""

    def __init__(self, celery: Celery):
        self.celery = celery

    def dispatch(self, job_ids: list[int]) -> None:
        for job_id in job_ids:
            self.celery.send_task(TASK_NAME, args=[job_id])
