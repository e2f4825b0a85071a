"""Target bonus: attainment of a KPI against the partner's target (1 = 100 %) pays the target incentive times
the factor of the highest threshold reached, or times the attainment itself when linear, up to a cap."""

import json
from decimal import Decimal
from fractions import Fraction

import polars as pl

from calc.context import Run
from calc.lineage import from_rows
from calc.metrics import measure
from calc.plan.model import Plan
from calc.plan.model import TargetBonus
from calc.rates import cents
from calc.rates import fraction_text

STAGE = "reward"


def targets_of(run: Run, kpi: str) -> dict[int, Fraction]:
    """Return each partner's target for ``kpi`` as an exact fraction."""
    rows = run.inputs.targets.filter(pl.col("kpi") == kpi).select("partner_id", "target").iter_rows()
    return {partner: Fraction(Decimal(text)) for partner, text in rows}


def factor(component: TargetBonus, attainment: Fraction) -> Fraction | None:
    """Return the payout factor for an attainment, or None below the first threshold."""
    reached = [t for t in component.thresholds if Fraction(t.attainment) <= attainment]
    if not reached:
        return None
    result = attainment if component.linear else Fraction(reached[-1].factor)
    if component.cap is not None:
        result = min(result, Fraction(component.cap))
    return result


def lines(plan: Plan, component: TargetBonus, run: Run, earlier: pl.LazyFrame) -> pl.DataFrame:
    """Return each member partner's bonus for the period."""
    targets = targets_of(run, component.kpi)
    members = run.members(plan).select("partner_id")
    measured = measure(run, component.metric, component.filter)
    actual = {p: (Fraction(n, d), s) for p, n, d, s in measured.iter_rows()}
    rows = []
    for partner in members.get_column("partner_id").to_list():
        target = targets.get(partner)
        if not target:
            continue
        value, sources = actual.get(partner, (Fraction(0), None))
        attainment = value / target
        paid = factor(component, attainment)
        if paid is None:
            continue
        inputs = {"kpi": component.kpi, "actual": fraction_text(value), "target": fraction_text(target),
                  "attainment": fraction_text(attainment), "incentive": str(component.incentive)}
        rows.append(
            {
                "partner_id": partner,
                "event_date": run.period,
                "amount_cents": cents(Fraction(component.incentive) * paid),
                "basis": f"attainment of {component.metric}",
                "basis_value": fraction_text(attainment),
                "rate": fraction_text(paid),
                "inputs": json.dumps(inputs),
                "source_kind": "metric",
                "source_ref": f"{component.metric}@{run.period.isoformat()}",
                "source_ids": sources,
            }
        )
    return from_rows(rows)
