"""The calculation of a period cut into units that can be recomputed one at a time (no database here).

``calc.pipeline.calculate`` runs every stage over the whole network. Its lines split exactly into:

- the ``sale`` unit of a seller: the reward, clawback and release lines it earns itself, and the override
  lines its own lines give its upline (one per upline, level, downline and source: they depend on the
  seller's lines and on the hierarchy as of their dates only);
- the ``settle`` unit of a partner: its limit lines (cap, guarantee, floor) and pay lines (advances and their
  recovery), which depend on every line it earns, its overrides included.

A unit is computed with the engine's own stage functions, so a unit's lines are the lines the full run
gives for it; ``unit_columns`` tells, for the lines of a full run, which unit each belongs to.
"""

from collections.abc import Sequence
from datetime import date
from functools import cached_property

import polars as pl

from calc.components import MODULES
from calc.context import Run
from calc.holds import releases
from calc.inputs import RunInputs
from calc.lineage import complete
from calc.lineage import empty_lines
from calc.pipeline import limit_stage
from calc.pipeline import run_stage as stage_lines
from calc.pipeline import so_far
from calc.plan.model import Limits
from calc.plan.model import Plan
from calc.plan.model import kind_of

SALE = "sale"
SETTLE = "settle"
SETTLE_KINDS = ("limits", *sorted(kind for kind, module in MODULES.items() if module.STAGE == "pay"))
# Lines that a partner's settle unit needs to see: the ones ``calc.pay`` and the pay components read.
SETTLE_HISTORY_KINDS = ("floor", "advance")


class UnitRun(Run):
    """A run over one unit's inputs that works out who is on each plan once per plan, not once per component
    (the engine's answer is the same each time; a unit's run is small, so the repeated work would dominate)."""

    @cached_property
    def _on_plan(self) -> dict[tuple[str, int], pl.DataFrame]:
        return {}

    def assigned(self, plan: Plan) -> pl.DataFrame:
        """Return (partner_id, valid_from, valid_to) of the partners on ``plan`` (computed once per plan)."""
        key = ("assigned", id(plan))
        if key not in self._on_plan:
            self._on_plan[key] = super().assigned(plan)
        return self._on_plan[key]

    def members(self, plan: Plan) -> pl.DataFrame:
        """Return the partners on ``plan`` during the period (computed once per plan)."""
        key = ("members", id(plan))
        if key not in self._on_plan:
            self._on_plan[key] = super().members(plan)
        return self._on_plan[key]


def run_of(period: date, inputs: RunInputs, prior: pl.DataFrame) -> Run:
    """Return the run of a unit; its frames come typed from the database, so they are not validated again."""
    return UnitRun(period=period, inputs=inputs, prior_lines=prior)


def relevant_plans(run: Run, plans: Sequence[Plan]) -> list[Plan]:
    """Return the plans that can give a line to a partner of the run: assigned to one of them during the
    period, or with earlier lines of theirs (clawbacks, releases, floors and advances read those)."""
    assigned = set(run.assignments.filter(
        (pl.col("valid_from") < run.period_end) & (pl.col("valid_to") > run.period)).get_column("plan_id").to_list())
    earlier = set(run.prior_lines.get_column("plan_id").unique().to_list())
    return [plan for plan in plans if plan.plan_id in assigned or plan.plan_id in earlier]


def sale_lines(run: Run, plans: Sequence[Plan], sellers: set[int]) -> pl.DataFrame:
    """Return the sellers' own lines of the period and the override lines their lines give their upline."""
    plans = relevant_plans(run, plans)
    parts: list[pl.DataFrame] = []
    for stage in ("reward", "clawback", "override"):
        parts = stage_lines(stage, plans, run, parts)
    if run.prior_lines.filter(pl.col("status") == "held").height:
        parts.append(complete(releases(run, so_far(parts))))
    lines = pl.concat(parts, how="vertical") if parts else empty_lines()
    own = pl.col("partner_id").is_in(list(sellers)) & (pl.col("line_kind") != "override")
    given = (pl.col("line_kind") == "override") & pl.col("source_id").is_in(list(sellers))
    return lines.filter(own | given)


def settle_plans(plans: Sequence[Plan]) -> list[Plan]:
    """Return the plans with limits or pay components: the only ones a settle unit computes."""
    return [plan for plan in plans if plan.limits != Limits()
            or any(kind_of(component) in SETTLE_KINDS for component in plan.components)]


def has_pay_components(plans: Sequence[Plan]) -> bool:
    """Return True when a plan has a pay-stage component (those read every line of the partner)."""
    return any(kind_of(component) in SETTLE_KINDS for plan in plans for component in plan.components)


def settle_lines(run: Run, plans: Sequence[Plan], partner_ids: set[int], earned: pl.DataFrame) -> pl.DataFrame:
    """Return the partners' limit and pay lines, given every sale line each one earns in the period."""
    plans = relevant_plans(run, plans)
    parts = limit_stage(plans, run, [earned])
    parts = stage_lines("pay", plans, run, parts)
    produced = parts[1:]
    if not produced:
        return empty_lines()
    return pl.concat(produced, how="vertical").filter(pl.col("partner_id").is_in(list(partner_ids)))


def needs_settling(run: Run, plans: Sequence[Plan], partner_ids: set[int]) -> set[int]:
    """Return the partners among ``partner_ids`` that are members of a settle plan during the period."""
    found: set[int] = set()
    for plan in plans:
        found |= set(run.members(plan).get_column("partner_id").to_list())
    return found & partner_ids


def unit_columns(lines: pl.DataFrame) -> pl.DataFrame:
    """Return ``lines`` with ``unit_stage`` and ``unit_partner_id``: the unit each line of a full run belongs to."""
    settle = pl.col("component_kind").is_in(SETTLE_KINDS) & (pl.col("line_kind") != "release")
    override = pl.col("line_kind") == "override"
    return lines.with_columns(
        pl.when(settle).then(pl.lit(SETTLE)).otherwise(pl.lit(SALE)).alias("unit_stage"),
        pl.when(override).then(pl.col("source_id")).otherwise(pl.col("partner_id")).alias("unit_partner_id"),
    )
