"""Service tasks: registered operations, visible errors with retry, background jobs with progress."""

import os
import time

import pytest
from sqlalchemy import select
from sqlalchemy import text

import workflows
from app.extensions import db
from app.models import AuditEntry
from app.models import JobStatus
from app.models import WorkflowJob
from tests.workflows.conftest import task_for
from workflows import jobs
from workflows import service_tasks
from workflows import worker


class Steps:
    """Fake operations for service_steps.bpmn; ``broken`` makes the sync one fail."""

    def __init__(self):
        self.broken = False
        self.seen = []
        self.progress_seen = []

    def sync_operation(self, session, instance, data):
        self.seen.append(("sync", instance.business_key, data["label"]))
        session.execute(text("INSERT INTO import_batch (source, file_name, sha256, row_count, status) "
                             "VALUES ('test', 'sync.csv', 'x', 0, 'imported')"))
        if self.broken:
            raise ValueError("the accounting system is down")
        return {"sync_id": 41}

    def long_operation(self, session, instance, data):
        self.seen.append(("long", data["sync_id"]))
        workflows.report_progress(40, "computing")
        with db.engine.connect() as connection:  # what a progress page would read meanwhile
            self.progress_seen.append(connection.execute(
                text("SELECT percent, message FROM workflow_job ORDER BY id DESC LIMIT 1")).one())
        return {"long_result": 42}


@pytest.fixture
def steps() -> Steps:
    fakes = Steps()
    service_tasks.register("sync_operation", fakes.sync_operation)
    service_tasks.register("long_operation", fakes.long_operation, background=True)
    return fakes


def _imports(session) -> int:
    return session.execute(text("SELECT count(*) FROM import_batch WHERE file_name = 'sync.csv'")).scalar()


def test_a_background_task_stays_started_until_the_worker_completes_it(session, users, steps):
    info = workflows.start(session, "service_steps", business_key="s1")
    session.commit()

    assert info.status == "running"
    assert steps.seen == [("sync", "s1", "from bpmn")]
    [job] = workflows.jobs_for_instance(session, info.id)
    assert (job.status, job.operation, job.bpmn_id, job.percent) == ("queued", "long_operation", "long_step", 0)
    assert workflows.ready_tasks(session, instance_id=info.id) == []

    [done] = worker.run_pending(session)

    assert done.status == "done" and done.percent == 100 and done.attempts == 1
    assert steps.progress_seen == [(40, "computing")]
    task = task_for(session, users["backoffice"], "check_result", info.id)
    assert workflows.task_data(session, task.id)["long_result"] == 42
    events = [(e.event_type, e.bpmn_id) for e in workflows.history(session, info.id)]
    assert ("service_started", "long_step") in events and ("service_completed", "long_step") in events


def test_the_in_process_worker_threads_run_queued_jobs(app, session, steps):
    runner = worker.Worker(app, threads=2, poll_seconds=0.2).start()
    try:
        info = workflows.start(session, "service_steps", business_key="threads")
        session.commit()  # dispatch wakes the worker
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            [job] = workflows.jobs_for_instance(session, info.id)
            if job.status == "done":
                break
            time.sleep(0.05)
    finally:
        runner.stop()
    assert job.status == "done" and job.worker.startswith("inprocess:")
    session.expire_all()
    assert workflows.get_instance(session, info.id).status == "running"  # now at the user task


def test_a_failing_operation_stops_the_instance_visibly_and_retry_continues(session, users, steps):
    steps.broken = True
    info = workflows.start(session, "service_steps", business_key="broken")
    session.commit()

    assert info.status == "error"
    assert info.error_task == "sync_step"
    assert info.error_message == "operation 'sync_operation' failed: the accounting system is down"
    assert _imports(session) == 0  # the failed operation's writes were rolled back
    assert workflows.list_instances(session, status="error")[0].id == info.id

    steps.broken = False
    retried = workflows.retry(session, info.id, users["admin"])
    session.commit()
    assert retried.status == "running" and retried.error_message is None
    assert _imports(session) == 1
    worker.run_pending(session)
    assert task_for(session, users["backoffice"], "check_result", info.id)
    types = [e.event_type for e in workflows.history(session, info.id)]
    assert types.index("error") < types.index("retry") < types.index("service_completed")
    retry_audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "workflow.retried"))
    assert retry_audit.actor == "admin"


def test_a_failing_background_job_puts_the_instance_in_error_and_retry_requeues(session, users, steps):
    def failing(session, instance, data):
        raise RuntimeError("calculation engine crashed")

    service_tasks.register("long_operation", failing, background=True)
    info = workflows.start(session, "service_steps", business_key="job-fails")
    session.commit()
    [failed] = worker.run_pending(session)

    assert failed.status == "failed" and "calculation engine crashed" in failed.error
    instance = workflows.get_instance(session, info.id)
    assert instance.status == "error" and instance.error_task == "long_step"
    assert "calculation engine crashed" in instance.error_message

    service_tasks.register("long_operation", steps.long_operation, background=True)
    assert workflows.retry(session, info.id, users["admin"]).status == "running"
    session.commit()
    [done] = worker.run_pending(session)
    assert done.status == "done" and done.attempts == 2
    assert task_for(session, users["backoffice"], "check_result", info.id)


def test_an_unknown_operation_is_a_visible_error(session, steps):
    service_tasks.unregister("sync_operation")
    info = workflows.start(session, "service_steps", business_key="unknown")
    assert info.status == "error"
    assert "no operation named 'sync_operation'" in info.error_message


def test_an_operation_returning_a_float_is_refused(session, steps):
    service_tasks.register("sync_operation", lambda session, instance, data: {"sync_id": 1.5})
    info = workflows.start(session, "service_steps", business_key="float")
    assert info.status == "error" and "float" in info.error_message


@pytest.mark.redis
def test_the_celery_runner_completes_a_background_task(app, session, users, steps):
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("REDIS_URL is not set: the Celery job runner is tested against a real Redis")
    from celery.contrib.testing.worker import start_worker

    from workflows.celery_app import CeleryDispatcher
    from workflows.celery_app import make_celery

    celery = make_celery(app, redis_url)
    celery.conf.task_default_queue = f"workflows-test-{os.getpid()}"
    jobs.use_dispatcher(CeleryDispatcher(celery))
    with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        info = workflows.start(session, "service_steps", business_key="celery")
        session.commit()  # sends the job id to Redis
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status = session.scalar(select(WorkflowJob.status).where(WorkflowJob.instance_id == info.id)
                                    .execution_options(populate_existing=True))
            session.rollback()
            if status in (JobStatus.DONE, JobStatus.FAILED):
                break
            time.sleep(0.1)
    [job] = workflows.jobs_for_instance(session, info.id)
    assert job.status == "done", job.error
    assert job.worker.startswith("celery:")
    assert steps.progress_seen == [(40, "computing")]
    assert task_for(session, users["backoffice"], "check_result", info.id)


def test_on_sqlite_progress_stops_waiting_for_the_jobs_own_write_lock(session, users):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("the job's own write lock is SQLite's; PostgreSQL writes progress beside it")
    session.execute(text("INSERT INTO import_batch (source, file_name, sha256, row_count, status) "
                         "VALUES ('test', 'lock.csv', 'x', 0, 'imported')"))  # the job's transaction writes
    token = jobs.running(0, session.get_bind())
    try:
        started = time.perf_counter()
        assert workflows.report_progress(10, "reading") is False  # waits the short busy timeout once
        first = time.perf_counter() - started
        started = time.perf_counter()
        assert [workflows.report_progress(p, "computing") for p in range(20, 100, 10)] == [False] * 8
        assert time.perf_counter() - started < first  # and never again while the job runs
    finally:
        jobs.stopped(token)
        session.rollback()
