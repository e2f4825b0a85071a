"""Service tasks call registered Python operations: a registry of name -> callable, filled by the app at startup.

An operation is ``fn(session, instance, data) -> dict``: ``instance`` is the ``ProcessInstanceInfo``, ``data`` a
copy of the task data with the BPMN parameters evaluated on top; the returned dict (ids, counts and decisions,
never business rows) goes back into the task data, under the BPMN ``resultVariable`` when one is named, else
merged key by key. A ``background`` operation runs as a job: the task stays STARTED until a worker has run it.

    from workflows import service_tasks
    service_tasks.register("run_calculation", calculations.run_for_workflow, background=True)
"""

from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from SpiffWorkflow.spiff.specs.defaults import ServiceTask as SpiffServiceTask

from workflows import plain
from workflows.errors import UnknownOperation

Operation = Callable[..., dict]


@dataclass(frozen=True)
class RegisteredOperation:
    """One operation service tasks may call."""

    name: str
    function: Operation
    background: bool = False
    description: str = ""


_registry: dict[str, RegisteredOperation] = {}


def register(name: str, function: Operation, *, background: bool = False, description: str = "") -> None:
    """Make ``function`` callable from service tasks naming ``name``; registering a name again replaces it."""
    if not callable(function):
        raise TypeError(f"operation {name!r} is not callable")
    _registry[name] = RegisteredOperation(name, function, background, description or (function.__doc__ or ""))


def unregister(name: str) -> None:
    """Forget an operation (tests)."""
    _registry.pop(name, None)


def get(name: str) -> RegisteredOperation:
    """Return the operation registered as ``name``."""
    try:
        return _registry[name]
    except KeyError:
        raise UnknownOperation(f"no operation named {name!r} is registered for service tasks") from None


def registered() -> dict[str, RegisteredOperation]:
    """Return a copy of the registry."""
    return dict(_registry)


@contextmanager
def operations(**functions: Operation | tuple[Operation, bool]) -> Iterator[None]:
    """Register operations for the duration of a block (``name=fn`` or ``name=(fn, background)``)."""
    saved = dict(_registry)
    try:
        for name, value in functions.items():
            function, background = value if isinstance(value, tuple) else (value, False)
            register(name, function, background=background)
        yield
    finally:
        _registry.clear()
        _registry.update(saved)


class OperationServiceTask(SpiffServiceTask):
    """A BPMN service task that runs through the registry (via the runtime) instead of ``call_service``."""

    def _execute(self, task):
        return task.workflow.script_engine.run.run_operation(task, self)

    def evaluate_parameters(self, task) -> dict:
        """Return the BPMN parameters of this task, evaluated on its data."""
        return {name: param["value"] for name, param in self.evaluate_params(task).items()}

    @property
    def names_result(self) -> bool:
        """Return whether the BPMN names a result variable (else results merge into the task data)."""
        return not self.result_variable.startswith("spiff__")


def check_result(name: str, result) -> dict:
    """Return ``result`` if it is a dict of plain values (text, int, Decimal, bool, dates, lists, dicts)."""
    if result is None:
        return {}
    if not isinstance(result, dict):
        raise TypeError(f"operation {name!r} returned {type(result).__name__}, not a dict")
    problem = plain.first_problem(result, "result")
    if problem:
        raise TypeError(f"operation {name!r} returned data it cannot keep: {problem}")
    return result
