"""BPMN expressions and scripts, run by the project's restricted evaluator ``calc.formula``, never eval/exec.

Gateway conditions, script tasks, pre/post scripts, timer expressions, service-task parameters, message payloads
and correlation expressions all reach the engine's script environment; this one compiles them with
``calc.formula`` (attribute access, dunders, imports, lambdas, comprehensions and unknown calls are refused) and
runs them on the task data. A refusal becomes a ``ScriptError`` naming the BPMN element, and the task goes into
error like any failed step.

Timer values are normalised here: a timeDate expression may give a date, a datetime or ISO text, naive or with
any offset; the engine receives an ISO string in UTC (a naive value is business time, Europe/Rome; a bare date
means midnight at the start of that day), so ``next_timer_at`` and the engine agree whatever the server's zone.
"""

import threading
from collections.abc import Mapping
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from calc.formula import Formula
from calc.formula import FormulaError
from calc.formula import Script
from calc.formula import compile_formula
from calc.formula import compile_script
from workflows import clock

BUSINESS_TZ = clock.COMPANY_TIME_ZONE


def payload(**fields) -> dict:
    """Return a message payload (``payload(period=period, outcome=outcome)``): formulas have no dict literal."""
    return dict(fields)


WORKFLOW_FUNCTIONS = {"payload": payload}


class ScriptError(Exception):
    """A BPMN expression or script the restricted evaluator refused or could not compute."""

    def __init__(self, element: str, kind: str, text: str, cause: Exception):
        shown = " ".join((text or "").split())
        if len(shown) > 80:
            shown = shown[:77] + "..."
        super().__init__(f"{kind} of '{element}' failed: {cause} (in {shown!r})")
        self.element = element
        self.kind = kind
        self.text = text
        self.cause = cause


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """A script environment whose evaluate/execute go through ``calc.formula``; compiled text is cached."""

    def __init__(self, functions: Mapping | None = None):
        super().__init__({})
        self.functions = dict(WORKFLOW_FUNCTIONS) | dict(functions or {})
        self._formulas: dict[str, Formula] = {}
        self._scripts: dict[str, Script] = {}
        self._lock = threading.Lock()

    def formula(self, text: str) -> Formula:
        """Return ``text`` compiled as an expression (cached; compile errors are not)."""
        compiled = self._formulas.get(text)
        if compiled is None:
            compiled = compile_formula(_text(text), functions=self.functions)
            with self._lock:
                self._formulas[text] = compiled
        return compiled

    def script(self, text: str) -> Script:
        """Return ``text`` compiled as a script (cached)."""
        compiled = self._scripts.get(text)
        if compiled is None:
            compiled = compile_script(_text(text), functions=self.functions)
            with self._lock:
                self._scripts[text] = compiled
        return compiled

    def evaluate(self, expression, context, external_context=None):
        values = {**external_context, **context} if external_context else context
        return self.formula(expression).evaluate(values)

    def execute(self, script, context, external_context=None):
        values = {**external_context, **context} if external_context else context
        context.update(self.script(script).execute(values))
        return True

    def call_service(self, context, **kwargs):
        raise RuntimeError("service tasks run through the operation registry, never through the script environment")


def _text(value) -> str:
    if value is None or not str(value).strip():
        raise FormulaError("the expression is empty")
    return str(value)


class RestrictedScriptEngine(PythonScriptEngine):
    """The engine's script engine for one unit of work: restricted evaluation plus the run's context.

    ``run`` is the runtime of the instance being advanced; service tasks reach the operation registry through
    it. The engine is not serialized, so the runtime builds a new one each time it loads an instance.
    """

    def __init__(self, environment: RestrictedEnvironment, run=None):
        super().__init__(environment=environment)
        self.run = run

    def evaluate(self, task, expression, external_context=None):
        try:
            value = self.environment.evaluate(expression, task.data, external_context)
        except FormulaError as exc:
            raise ScriptError(_element(task), _kind(task, expression), expression, exc) from exc
        if _is_timer_expression(task, expression):
            cycle = any(isinstance(timer, CycleTimerEventDefinition) and timer.expression == expression
                        for timer in timers_of(task.task_spec))
            return timer_value(value, cycle=cycle)
        return value

    def execute(self, task, script, external_context=None):
        try:
            return self.environment.execute(script, task.data, external_context)
        except FormulaError as exc:
            raise ScriptError(_element(task), "script", script, exc) from exc

    def call_service(self, task, **kwargs):
        raise RuntimeError("service tasks run through the operation registry, never through the script engine")


def _element(task) -> str:
    spec = task.task_spec
    name = getattr(spec, "bpmn_name", None)
    bpmn_id = getattr(spec, "bpmn_id", None) or spec.name
    return f"{name} ({bpmn_id})" if name else bpmn_id


def _kind(task, expression) -> str:
    if _is_timer_expression(task, expression):
        return "timer expression"
    if "Gateway" in type(task.task_spec).__name__:
        return "condition"
    return "expression"


def _is_timer_expression(task, expression) -> bool:
    return any(timer.expression == expression for timer in timers_of(task.task_spec))


def timers_of(spec) -> list[TimerEventDefinition]:
    """Return the timer definitions a task spec waits on (an event-based gateway may hold several events)."""
    definition = getattr(spec, "event_definition", None)
    if definition is None:
        return []
    found = [definition, *getattr(definition, "event_definitions", [])]
    return [item for item in found if isinstance(item, TimerEventDefinition)]


def timer_value(value, cycle: bool = False) -> str:
    """Return a timer expression's value as the engine wants it: a duration as is, a moment as UTC ISO text."""
    if isinstance(value, datetime):
        return _utc_iso(value)
    if isinstance(value, date):
        return _utc_iso(datetime.combine(value, time.min))
    if not isinstance(value, str):
        raise ScriptError("timer", "timer expression", str(value),
                          FormulaError(f"a timer needs ISO text, a date or a datetime, not {type(value).__name__}"))
    text = value.strip()
    if cycle or text[:1].upper() in ("P", "R"):
        return text
    try:
        return _utc_iso(datetime.fromisoformat(text))
    except ValueError:
        return text  # an ISO week date or something the engine parses itself; it reports what it rejects


def _utc_iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BUSINESS_TZ)
    return moment.astimezone(UTC).isoformat()


def parse_moment(text: str) -> datetime:
    """Return an engine timer value (ISO text) as an aware UTC datetime, reading naive text as the engine does."""
    return TimerEventDefinition.get_datetime(text)
