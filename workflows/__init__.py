"""The workflow engine behind a façade: the only package that imports SpiffWorkflow.

Callers use the verbs re-exported here and get the project's own frozen dataclasses back::

    from workflows import complete_task, ready_tasks, start

    info = start(session, "commission_cycle", business_key="2026-03", period="2026-03", user=user)
    for task in ready_tasks(session, user=user):
        ...
    complete_task(session, task.id, user, {"decision": "approve"})
    session.commit()

Modules, one concept each: ``specs`` (parse, cache, version by hash), ``serializer`` (state without the spec),
``scripting`` (the restricted evaluator behind BPMN expressions), ``runtime`` (the engine wrapper and its run
policies), ``persistence`` (load, save, optimistic lock), ``inbox`` (human tasks), ``timers``, ``messages``,
``service_tasks`` (the operation registry), ``jobs`` and ``worker`` (background runs; ``celery_app`` to scale
out), ``events`` (the history for auditors), ``api`` (the verbs), ``cli`` (``flask workflows``).
"""

from workflows.api import advance
from workflows.api import claim_task
from workflows.api import complete_task
from workflows.api import find_instance
from workflows.api import fire_timers
from workflows.api import get_instance
from workflows.api import get_task
from workflows.api import list_instances
from workflows.api import ready_tasks
from workflows.api import release_task
from workflows.api import retry
from workflows.api import send_message
from workflows.api import start
from workflows.api import task_data
from workflows.errors import ConcurrentUpdate
from workflows.errors import DefinitionNotFound
from workflows.errors import InstanceExists
from workflows.errors import InstanceNotFound
from workflows.errors import InvalidTaskData
from workflows.errors import NotAllowed
from workflows.errors import NotInError
from workflows.errors import TaskAlreadyCompleted
from workflows.errors import TaskClaimed
from workflows.errors import TaskNotActive
from workflows.errors import TaskNotFound
from workflows.errors import UnknownOperation
from workflows.errors import WorkflowError
from workflows.events import history
from workflows.events import search as search_history
from workflows.jobs import for_instance as jobs_for_instance
from workflows.jobs import get as get_job
from workflows.jobs import report_progress
from workflows.service_tasks import register as register_operation
from workflows.timers import fire_due as fire_due_timers
from workflows.types import HistoryEvent
from workflows.types import HumanTaskInfo
from workflows.types import JobInfo
from workflows.types import ProcessInstanceInfo


def init_app(app) -> None:
    """Wire the package into a Flask app: the ``flask workflows`` commands and the job runner from config.

    ``WORKFLOW_JOB_RUNNER``: "inprocess" (default; run ``flask workflows worker`` or set
    ``WORKFLOW_EMBEDDED_WORKER``) or "celery" (job ids go to Redis at ``REDIS_URL``).
    """
    from workflows.cli import workflows_cli

    if "workflows" not in app.cli.commands:
        app.cli.add_command(workflows_cli)
    if app.config.get("WORKFLOW_JOB_RUNNER", "inprocess") == "celery":
        from workflows import jobs
        from workflows.celery_app import CeleryDispatcher
        from workflows.celery_app import make_celery

        jobs.use_dispatcher(CeleryDispatcher(make_celery(app)))
    if app.config.get("WORKFLOW_EMBEDDED_WORKER"):
        from workflows.worker import Worker

        app.extensions["workflow_worker"] = Worker(app, threads=int(app.config.get("WORKFLOW_WORKER_THREADS", 2))).start()


__all__ = [
    "ConcurrentUpdate",
    "DefinitionNotFound",
    "HistoryEvent",
    "HumanTaskInfo",
    "InstanceExists",
    "InstanceNotFound",
    "InvalidTaskData",
    "JobInfo",
    "NotAllowed",
    "NotInError",
    "ProcessInstanceInfo",
    "TaskAlreadyCompleted",
    "TaskClaimed",
    "TaskNotActive",
    "TaskNotFound",
    "UnknownOperation",
    "WorkflowError",
    "advance",
    "claim_task",
    "complete_task",
    "find_instance",
    "fire_due_timers",
    "fire_timers",
    "get_instance",
    "get_job",
    "get_task",
    "history",
    "init_app",
    "jobs_for_instance",
    "list_instances",
    "ready_tasks",
    "register_operation",
    "release_task",
    "report_progress",
    "retry",
    "search_history",
    "send_message",
    "start",
    "task_data",
]
