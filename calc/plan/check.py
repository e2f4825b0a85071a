"""Plan validation beyond shapes: ids, references, orderings, filter fields, metric names and formulas."""

from calc.catalogue import FILTER_FIELDS
from calc.catalogue import LINE_KINDS
from calc.catalogue import METRICS
from calc.formula import FormulaError
from calc.formula import compile_formula
from calc.plan.codec import PlanError
from calc.plan.model import Clawback
from calc.plan.model import Filter
from calc.plan.model import Formula
from calc.plan.model import Override
from calc.plan.model import Plan
from calc.plan.model import Recurring
from calc.plan.model import TargetBonus
from calc.plan.model import Tiers
from calc.plan.model import kind_of

FORMULA_EXTRA_NAMES = ("target", "attainment")


def check_plan(plan: Plan) -> Plan:
    """Return ``plan`` if it is consistent, else raise PlanError naming the first bad path."""
    if plan.version < 1:
        raise PlanError("version: must be 1 or more")
    if plan.valid_to is not None and plan.valid_to <= plan.valid_from:
        raise PlanError("valid_to: must be after valid_from")
    if not plan.components:
        raise PlanError("components: a plan needs at least one component")
    seen = set()
    for index, component in enumerate(plan.components):
        path = f"components[{index}]"
        if not component.id or component.id in seen:
            raise PlanError(f"{path}.id: missing or duplicate id {component.id!r}")
        seen.add(component.id)
        _check_filter(component.filter, f"{path}.filter")
        _check_hold(component, f"{path}.hold")
        for row_index, row in enumerate(getattr(component, "rate_table", ())):
            _check_filter(row.when, f"{path}.rate_table[{row_index}].when")
        _check_kind(plan, component, path)
    for name in ("cap", "floor", "guarantee"):
        value = getattr(plan.limits, name)
        if value is not None and value < 0 and name != "floor":
            raise PlanError(f"limits.{name}: must not be negative")
    return plan


CONTRACT_HOLDS = {"active": ("one_off", "recurring"), "first_bill_paid": ("one_off", "recurring"),
                  "bill_paid": ("recurring",)}


def _check_hold(component, path: str) -> None:
    hold = component.hold
    if hold is None:
        return
    if hold.until == "periods" and hold.periods < 1:
        raise PlanError(f"{path}.periods: must be 1 or more")
    allowed = CONTRACT_HOLDS.get(hold.until)
    if allowed is not None and kind_of(component) not in allowed:
        raise PlanError(f"{path}.until: {hold.until!r} applies to {' and '.join(allowed)} components only")


def _check_formula(component: Formula, path: str) -> None:
    try:
        formula = compile_formula(component.expression, names=tuple(METRICS) + FORMULA_EXTRA_NAMES)
    except FormulaError as exc:
        raise PlanError(f"{path}.expression: {exc}") from None
    uses_target = set(formula.names) & set(FORMULA_EXTRA_NAMES)
    if uses_target and not (component.kpi and component.metric):
        raise PlanError(f"{path}.kpi: {sorted(uses_target)[0]!r} needs both kpi and metric")
    if component.metric is not None:
        _check_metric(component.metric, f"{path}.metric")


def _check_kind(plan: Plan, component, path: str) -> None:  # noqa: C901 - one check per kind
    if hasattr(component, "rate_table") and not component.rate_table:
        raise PlanError(f"{path}.rate_table: needs at least one row")
    if isinstance(component, Recurring) and component.months < 1:
        raise PlanError(f"{path}.months: must be 1 or more")
    if isinstance(component, Tiers | TargetBonus):
        _check_metric(component.metric, f"{path}.metric")
    if isinstance(component, Tiers):
        _check_ascending([t.start for t in component.tiers], f"{path}.tiers", "start")
    if isinstance(component, TargetBonus):
        _check_ascending([t.attainment for t in component.thresholds], f"{path}.thresholds", "attainment")
    if isinstance(component, Override):
        levels = [level.level for level in component.levels]
        if not levels or sorted(levels) != list(range(1, len(levels) + 1)):
            raise PlanError(f"{path}.levels: levels must be 1, 2, … without gaps")
        unknown = sorted(set(component.of_kinds) - set(LINE_KINDS))
        if unknown:
            raise PlanError(f"{path}.of_kinds: unknown line kind {unknown[0]!r}")
    if isinstance(component, Clawback):
        _check_clawback(plan, component, path)
    if isinstance(component, Formula):
        _check_formula(component, path)


def _check_clawback(plan: Plan, component: Clawback, path: str) -> None:
    if component.within_months < 1:
        raise PlanError(f"{path}.within_months: must be 1 or more")
    ids = {c.id: kind_of(c) for c in plan.components}
    for index, target in enumerate(component.of_components):
        if ids.get(target) not in ("one_off", "recurring"):
            raise PlanError(f"{path}.of_components[{index}]: {target!r} is not a one-off or recurring component")


def _check_metric(name: str, path: str) -> None:
    if name not in METRICS:
        raise PlanError(f"{path}: unknown metric {name!r} (known: {', '.join(METRICS)})")


def _check_filter(filter_: Filter, path: str) -> None:
    for condition in filter_.conditions:
        if condition.field not in FILTER_FIELDS:
            raise PlanError(f"{path}.{condition.field}: unknown filter field (known: {', '.join(FILTER_FIELDS)})")


def _check_ascending(values, path: str, name: str) -> None:
    if not values:
        raise PlanError(f"{path}: needs at least one row")
    for index in range(1, len(values)):
        if values[index] <= values[index - 1]:
            raise PlanError(f"{path}[{index}].{name}: must be greater than the previous row's")
