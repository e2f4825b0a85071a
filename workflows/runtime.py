"""The one wrapper around a loaded engine workflow, with small named run policies.

A ``Runtime`` is one instance in memory for one unit of work: ``start``, ``advance`` (run until only people,
timers, messages or jobs are left), ``fire_timers``, ``complete_task``, ``deliver``, ``finish_job`` and
``retry``. Each policy records what happened (tasks ready or cancelled, timers fired, messages thrown, service
tasks run, errors) as pending events, background jobs and outgoing messages; persistence writes them after the
state is saved. No database access here except through the service operations it calls.
"""

import copy
import logging
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from app.models import InstanceStatus
from workflows import clock
from workflows import service_tasks
from workflows.errors import WorkflowError
from workflows.scripting import RestrictedEnvironment
from workflows.scripting import RestrictedScriptEngine
from workflows.scripting import ScriptError
from workflows.scripting import parse_moment
from workflows.scripting import timers_of
from workflows.specs import ParsedProcess

for _name in ("spiff", "spiff.task", "spiff.workflow", "spiff.data", "spiff.dmn", "spiff.metrics"):
    logging.getLogger(_name).setLevel(logging.WARNING)

logger = logging.getLogger(__name__)
ENVIRONMENT = RestrictedEnvironment()
MAX_ROUNDS = 1000


class OperationFailed(Exception):
    """A registered operation raised; the message names it."""


@dataclass
class Emitted:
    """An event to write to the history once the state is saved."""

    event_type: str
    task_uuid: str | None = None
    bpmn_id: str | None = None
    data: dict | None = None
    user: object = None


@dataclass(frozen=True)
class JobRequest:
    """A background service task to queue once the state is saved."""

    task_uuid: str
    bpmn_id: str
    operation: str


@dataclass(frozen=True)
class ReadyTask:
    """What the inbox needs to know about a ready user task."""

    task_uuid: str
    bpmn_id: str
    title: str
    lane: str | None
    form_name: str | None
    due_at: datetime | None


@dataclass
class Runtime:
    """One instance loaded for one unit of work."""

    workflow: BpmnWorkflow
    parsed: ParsedProcess
    info: object
    session: object
    events: list[Emitted] = field(default_factory=list)
    jobs: list[JobRequest] = field(default_factory=list)
    messages: list = field(default_factory=list)
    error: str | None = None
    error_task: str | None = None
    state_is_sound: bool = True
    operations_ran: bool = False

    def __post_init__(self):
        self.workflow.script_engine = RestrictedScriptEngine(ENVIRONMENT, run=self)

    @classmethod
    def new(cls, parsed: ParsedProcess, info, session, variables: dict) -> "Runtime":
        """Return a runtime for a new instance of ``parsed`` seeded with ``variables``."""
        workflow = BpmnWorkflow(parsed.spec, parsed.subprocess_specs)
        workflow.task_tree.data.update(copy.deepcopy(variables))
        return cls(workflow, parsed, info, session)

    # Run policies

    def start(self) -> None:
        """Run a new instance until it waits."""
        self._run(self._settle)

    def advance(self) -> None:
        """Run whatever is ready (due timers included) until the instance waits."""
        self._run(self._settle)

    def fire_timers(self) -> None:
        """Fire the timers that are due and run on."""
        self._run(self._fire_timers)

    def complete_task(self, task_uuid: str, data: dict, user) -> None:
        """Complete a ready user task with form ``data`` and run on."""
        task = self.task(task_uuid)

        def action():
            self.emit("task_completed", task, data=copy.deepcopy(data), user=user)
            task.task_spec.add_data_from_form(task, copy.deepcopy(data))
            task.run()
            self._settle()

        self._run(action)

    def deliver(self, event) -> bool:
        """Deliver a message event; return False (changing nothing) when no catch event is waiting for it."""
        delivered = []

        def action():
            try:
                self.workflow.send_event(event)
            except WorkflowException:
                return
            delivered.append(True)
            self.events.append(Emitted("message_received", data={
                "name": event.event_definition.name, "payload": event.payload,
                "correlations": event.correlations}))
            self._settle()

        self._run(action)
        return bool(delivered)

    def finish_job(self, task_uuid: str, operation: str, result: dict) -> None:
        """Complete a background service task with the result of its operation and run on."""
        task = self.task(task_uuid)

        def action():
            self._store_result(task, task.task_spec, result)
            self.emit("service_completed", task, data={"operation": operation, "result": result})
            task.complete()
            self._settle()

        self._run(action)

    def retry(self) -> None:
        """Put failed tasks back to ready and run on."""

        def action():
            for task in self.workflow.get_tasks(state=TaskState.ERROR):
                self.workflow.reset_from_task_id(task.id)
            self._fire_timers()

        self._run(action)

    # What the persistence layer reads

    def task(self, task_uuid: str):
        """Return the engine task with this id, or None."""
        try:
            return self.workflow.get_task_from_id(UUID(str(task_uuid)))
        except (ValueError, WorkflowException):
            return None

    def task_state(self, task_uuid: str) -> str | None:
        """Return the state name of a task ("READY", "COMPLETED"...), or None if there is no such task."""
        task = self.task(task_uuid)
        return None if task is None else TaskState.get_name(task.state)

    def status(self) -> InstanceStatus:
        """Return the instance status the state implies."""
        if self.error or self.workflow.get_tasks(state=TaskState.ERROR):
            return InstanceStatus.ERROR
        if self.workflow.is_completed():
            return InstanceStatus.COMPLETED
        if self.workflow.get_tasks(state=TaskState.READY | TaskState.STARTED):
            return InstanceStatus.RUNNING
        return InstanceStatus.WAITING

    def next_timer_at(self) -> datetime | None:
        """Return when the earliest waiting timer is due, in UTC."""
        due = []
        for task in self.workflow.get_tasks(state=TaskState.WAITING):
            if not timers_of(task.task_spec):
                continue
            value = task.internal_data.get("event_value")
            if isinstance(value, dict):  # a cycle timer: its next occurrence
                value = value.get("next")
            if isinstance(value, str):
                due.append(parse_moment(value))
        return min(due) if due else None

    def ready_tasks(self) -> list[ReadyTask]:
        """Return the user tasks waiting for a person."""
        return [self._ready(task) for task in self.workflow.get_tasks(state=TaskState.READY, manual=True)]

    def data(self, task_uuid: str) -> dict:
        """Return a copy of the data a task sees."""
        task = self.task(task_uuid)
        return {} if task is None else copy.deepcopy(task.data)

    # Engine callbacks

    def run_operation(self, task, spec) -> bool | None:
        """Run the operation of a service task now, or queue it as a job (the task then stays STARTED)."""
        operation = service_tasks.get(spec.operation_name)
        parameters = spec.evaluate_parameters(task)
        if operation.background:
            self.jobs.append(JobRequest(str(task.id), spec.bpmn_id, operation.name))
            self.emit("service_started", task, data={"operation": operation.name, "background": True})
            return None
        self.emit("service_started", task, data={"operation": operation.name})
        self.operations_ran = True
        data = copy.deepcopy(task.data) | parameters
        try:
            with self.session.begin_nested():  # a failing operation leaves none of its writes behind
                result = operation.function(self.session, self.info, data)
                result = service_tasks.check_result(operation.name, result)
        except Exception as exc:
            raise OperationFailed(f"operation '{operation.name}' failed: {exc}") from exc
        self._store_result(task, spec, result)
        self.emit("service_completed", task, data={"operation": operation.name, "result": result})
        return True

    # Internals

    def emit(self, event_type: str, task=None, data=None, user=None) -> None:
        """Note an event about ``task`` to record after the save."""
        self.events.append(Emitted(event_type, str(task.id) if task is not None else None,
                                   task.task_spec.bpmn_id if task is not None else None, data, user))

    def _run(self, action) -> None:
        before = {task.id: task.state for task in self.workflow.get_tasks()}
        was_completed = self.workflow.is_completed()
        try:
            action()
        except Exception as exc:  # any failure stops the instance visibly; it never escapes half-applied
            self._fail(exc)
        self._record_changes(before)
        self._collect_thrown()
        if self.workflow.is_completed() and not was_completed:
            self.events.append(Emitted("instance_completed"))

    def _settle(self) -> None:
        for _ in range(MAX_ROUNDS):
            self.workflow.do_engine_steps()
            if not self.workflow.get_tasks(state=TaskState.READY, manual=False):
                return
        raise RuntimeError(f"the process did not settle after {MAX_ROUNDS} rounds (a loop without a wait?)")

    def _fire_timers(self) -> None:
        self.workflow.refresh_timers()
        self._settle()

    def _fail(self, exc: Exception) -> None:
        failed = self.workflow.get_tasks(state=TaskState.ERROR)
        explained = isinstance(exc, ScriptError | OperationFailed | WorkflowError)
        self.error = str(exc) if explained and str(exc) else f"{type(exc).__name__}: {exc}"
        self.error_task = failed[0].task_spec.bpmn_id if failed else None
        self.state_is_sound = bool(failed)
        self.events.append(Emitted("error", str(failed[0].id) if failed else None, self.error_task,
                                   {"message": self.error}))

    def _record_changes(self, before: dict) -> None:
        for task in self.workflow.get_tasks():
            old = before.get(task.id)
            if old == task.state:
                continue
            spec = task.task_spec
            if spec.manual and task.state == TaskState.READY:
                self.emit("task_ready", task, data={"title": spec.bpmn_name or spec.bpmn_id, "lane": spec.lane})
            elif spec.manual and task.state == TaskState.CANCELLED and old == TaskState.READY:
                self.emit("task_cancelled", task)
            elif task.state == TaskState.COMPLETED and _fired_timer(task):
                self.emit("timer_fired", task, data={"name": _fired_timer(task)})

    def _collect_thrown(self) -> None:
        for event in self.workflow.get_events():
            if isinstance(event.event_definition, MessageEventDefinition):
                self.messages.append(event)
                self.events.append(Emitted("message_sent", data={
                    "name": event.event_definition.name, "payload": event.payload,
                    "correlations": event.correlations}))

    @staticmethod
    def _store_result(task, spec, result: dict) -> None:
        if getattr(spec, "names_result", False):
            task.data[spec.result_variable] = result
        else:
            task.data.update(result)

    def _ready(self, task) -> ReadyTask:
        spec = task.task_spec
        properties = (spec.extensions or {}).get("properties", {})
        return ReadyTask(
            task_uuid=str(task.id),
            bpmn_id=spec.bpmn_id,
            title=spec.bpmn_name or spec.bpmn_id,
            lane=spec.lane,
            form_name=properties.get("formName"),
            due_at=self._due(task, properties),
        )

    def _due(self, task, properties: dict) -> datetime | None:
        moments = []
        parent = task.parent
        if parent is not None and isinstance(parent.task_spec, BoundaryEventSplit):
            for sibling in parent.children:
                value = sibling.internal_data.get("event_value")
                if sibling is not task and _is_timer(sibling.task_spec) and isinstance(value, str):
                    moments.append(parse_moment(value))
        if properties.get("dueIn"):
            try:
                duration = self.workflow.script_engine.evaluate(task, properties["dueIn"])
                parsed = TimerEventDefinition.parse_iso_duration(str(duration))
            except Exception:  # a bad due date must not stop the flow: the task just has none
                logger.warning("task %s: dueIn %r is not an ISO duration", task.task_spec.bpmn_id,
                               properties["dueIn"], exc_info=True)
            else:
                start = clock.now()
                moments.append(start + TimerEventDefinition.get_timedelta_from_start(parsed, start))
        return min(moments) if moments else None


def _is_timer(spec) -> bool:
    return isinstance(getattr(spec, "event_definition", None), TimerEventDefinition)


def _fired_timer(task) -> str | None:
    """Return the name of the timer that completed ``task`` (a timer event, or an event-based gateway's)."""
    if _is_timer(task.task_spec):
        return task.task_spec.event_definition.name or task.task_spec.bpmn_name or task.task_spec.bpmn_id
    for seen in task.internal_data.get("seen_events", []):
        if isinstance(seen.event_definition, TimerEventDefinition):
            return seen.event_definition.name or task.task_spec.bpmn_id
    return None
