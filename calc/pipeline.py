"""The calculation pipeline for one period: credit → measure → reward → pay → statement-ready lines.

Stages, in order, over every plan given:
1. reward: one-off, recurring, tiers, target bonus, SLA fees and formulas (transactions are credited to the
   seller under the plans assigned to it on the transaction's date; tiers, bonuses and formulas measure the
   period's metrics), then holds are applied;
2. clawback: negative lines for contracts that ended within their window, at the original lines' rates;
3. override: uplines earn on their downline's lines (this run's, clawbacks included);
4. releases of earlier holds whose condition now holds;
5. limits per plan (cap, guarantee, floor) and the pay components (advances and their recovery).

``calculate`` returns every line of the period with its lineage and the per-partner statement totals.
``recalculate`` recomputes a past period and returns the delta lines to book in the period being run.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from calc.components import MODULES
from calc.context import Run
from calc.credit import refuse_overlapping_parents
from calc.holds import apply_holds
from calc.holds import hold_text
from calc.holds import releases
from calc.inputs import InputError
from calc.inputs import RunInputs
from calc.lineage import check_lineage
from calc.lineage import complete
from calc.lineage import empty_lines
from calc.lineage import validate_lines
from calc.pay import limit_lines
from calc.plan.model import Limits
from calc.plan.model import Plan
from calc.plan.model import kind_of
from calc.statement import summarize
from calc.versions import deltas

LINE_KIND_OF = {"tiers": "tier"}


@dataclass(frozen=True)
class Result:
    """The lines of one period's calculation and the statement totals per partner."""

    period: date
    lines: pl.DataFrame
    statements: pl.DataFrame


def _component_lines(plan: Plan, component, run: Run, earlier: pl.LazyFrame) -> pl.DataFrame:
    module = MODULES[kind_of(component)]
    kind = kind_of(component)
    frame = complete(
        module.lines(plan, component, run, earlier),
        # a module that does not name its lines' kind gives lines of its component's kind
        defaults={"line_kind": LINE_KIND_OF.get(kind, kind), "label": component.label or None},
        computed={"hold_until": hold_text(component.hold, run.period)} if component.hold is not None else None,
        period=run.period,
        plan_id=plan.plan_id,
        plan_version=plan.version,
        component_id=component.id,
        component_kind=kind,
    )
    return apply_holds(frame, run, component.hold)


def so_far(parts: list[pl.DataFrame]) -> pl.LazyFrame:
    """Return the lines produced so far as one lazy frame (filters run per part; nothing is copied whole)."""
    return pl.concat([part.lazy() for part in parts]) if parts else empty_lines().lazy()


LIMITS_LABEL = "Minimi garantiti e tetti"  # the label of the lines the plan's limits add (a guarantee, a cap)


def run_stage(stage: str, plans: Sequence[Plan], run: Run, parts: list[pl.DataFrame]) -> list[pl.DataFrame]:
    earlier = so_far(parts)
    return parts + [
        _component_lines(plan, component, run, earlier)
        for plan in plans
        for component in plan.components
        if MODULES[kind_of(component)].STAGE == stage
    ]


def limit_stage(plans: Sequence[Plan], run: Run, parts: list[pl.DataFrame]) -> list[pl.DataFrame]:
    earlier = so_far(parts)
    produced = [
        complete(limit_lines(plan, run, earlier), period=run.period, plan_id=plan.plan_id,
                 plan_version=plan.version, component_id="limits", component_kind="limits", label=LIMITS_LABEL)
        for plan in plans
        if plan.limits != Limits()
    ]
    return parts + produced


def prepare(period: date, inputs: RunInputs, prior_lines: pl.DataFrame | None) -> Run:
    """Validate the inputs and return the run of ``period``."""
    if period.day != 1:
        raise InputError(f"period: must be the first day of a month, got {period}")
    inputs = inputs.validated()
    refuse_overlapping_parents(inputs.hierarchy)
    prior = empty_lines() if prior_lines is None else validate_lines("prior_lines", prior_lines)
    return Run(period=period, inputs=inputs, prior_lines=prior)


def calculate(
    period: date, inputs: RunInputs, plans: Sequence[Plan], prior_lines: pl.DataFrame | None = None
) -> Result:
    """Calculate every plan for ``period`` and return the lines and the statement totals."""
    run = prepare(period, inputs, prior_lines)
    parts: list[pl.DataFrame] = []
    for stage in ("reward", "clawback", "override"):
        parts = run_stage(stage, plans, run, parts)
    parts.append(complete(releases(run, so_far(parts))))
    parts = limit_stage(plans, run, parts)
    parts = run_stage("pay", plans, run, parts)
    lines = check_lineage(pl.concat(parts, how="vertical"))
    return Result(period=period, lines=lines, statements=summarize(lines))


def recalculate(
    period: date,
    run_period: date,
    inputs: RunInputs,
    plans: Sequence[Plan],
    approved: pl.DataFrame,
    prior_lines: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Recompute past ``period`` and return the delta lines against ``approved``, booked in ``run_period``."""
    recomputed = calculate(period, inputs, plans, prior_lines).lines
    approved = validate_lines("approved", approved)
    return deltas(approved, recomputed, run_period)


def with_deltas(result: Result, delta_lines: pl.DataFrame) -> Result:
    """Return ``result`` with delta lines added to its lines and statements."""
    lines = check_lineage(pl.concat([result.lines, delta_lines.select(result.lines.columns)]))
    return Result(period=result.period, lines=lines, statements=summarize(lines))
