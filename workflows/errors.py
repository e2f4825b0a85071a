"""The errors the façade raises: the app catches these, never an engine exception."""

from datetime import datetime


class WorkflowError(Exception):
    """Base class of every error the workflows façade raises."""


class DefinitionNotFound(WorkflowError):
    """No BPMN file defines the requested process."""


class InstanceNotFound(WorkflowError):
    """No process instance has the requested id."""


class InstanceExists(WorkflowError):
    """An instance of the process already has this business key (one cycle per period)."""


class TaskNotFound(WorkflowError):
    """No human task has the requested id."""


class TaskNotActive(WorkflowError):
    """The task is no longer waiting for anyone (cancelled by a timer, or the flow moved on)."""


class TaskAlreadyCompleted(TaskNotActive):
    """Someone else completed the task first."""

    def __init__(self, task_title: str, completed_by: str, completed_at: datetime | None):
        when = completed_at.strftime("%Y-%m-%d %H:%M:%S UTC") if completed_at else "an unknown time"
        super().__init__(f"Task '{task_title}' was already completed by {completed_by} at {when}.")
        self.task_title = task_title
        self.completed_by = completed_by
        self.completed_at = completed_at


class TaskClaimed(WorkflowError):
    """Another user has claimed the task."""

    def __init__(self, task_title: str, claimed_by: str, claimed_at: datetime | None):
        when = claimed_at.strftime("%Y-%m-%d %H:%M:%S UTC") if claimed_at else "an unknown time"
        super().__init__(f"Task '{task_title}' is claimed by {claimed_by} since {when}.")
        self.claimed_by = claimed_by
        self.claimed_at = claimed_at


class NotAllowed(WorkflowError):
    """The user may not act on this task or instance (wrong role, other partner, not an admin)."""


class InvalidTaskData(WorkflowError):
    """Form data that cannot go into the workflow: task data holds ids and decisions, never floats or objects."""


class ConcurrentUpdate(WorkflowError):
    """The instance kept changing under this request; try again."""


class NotInError(WorkflowError):
    """Retry was asked for an instance that is not in error."""


class UnknownOperation(WorkflowError):
    """A service task names an operation nobody registered."""
