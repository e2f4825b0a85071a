"""Volume tiers and accelerators on a period metric: retroactive (the whole volume at the rate of the tier
reached) or marginal (each slice of the volume at its own tier's rate). One line per partner and period."""

import json
from fractions import Fraction

import polars as pl

from calc.context import Run
from calc.lineage import from_rows
from calc.metrics import measure
from calc.plan.model import Plan
from calc.plan.model import Tiers
from calc.rates import cents
from calc.rates import fraction_text

STAGE = "reward"


def payout(component: Tiers, value: Fraction) -> tuple[Fraction, int, list[dict]]:
    """Return (amount in euro, tier reached counting from 1, slices) for a metric value."""
    starts = [Fraction(t.start) for t in component.tiers]
    reached = sum(1 for start in starts if start <= value)
    if reached == 0:
        return Fraction(0), 0, []
    if component.mode == "retroactive":
        rate = Fraction(component.tiers[reached - 1].rate)
        return value * rate, reached, [{"quantity": fraction_text(value), "rate": str(component.tiers[reached - 1].rate)}]
    total = Fraction(0)
    slices = []
    for index in range(reached):
        end = starts[index + 1] if index + 1 < len(starts) else None
        quantity = (min(value, end) if end is not None else value) - starts[index]
        total += quantity * Fraction(component.tiers[index].rate)
        slices.append({"tier": index + 1, "quantity": fraction_text(quantity), "rate": str(component.tiers[index].rate)})
    return total, reached, slices


def lines(plan: Plan, component: Tiers, run: Run, earlier: pl.LazyFrame) -> pl.DataFrame:
    """Return each member partner's tier payout on the metric for the period."""
    members = run.members(plan).select("partner_id")
    measured = measure(run, component.metric, component.filter).join(members, on="partner_id", how="inner")
    rows = []
    for partner, numerator, denominator, sources in measured.iter_rows():
        value = Fraction(numerator, denominator)
        amount, tier, slices = payout(component, value)
        if tier == 0:
            continue
        rows.append(
            {
                "partner_id": partner,
                "event_date": run.period,
                "amount_cents": cents(amount),
                "basis": component.metric,
                "basis_value": fraction_text(value),
                "rate": slices[-1]["rate"] if component.mode == "retroactive" else None,
                "tier": tier,
                "inputs": json.dumps({"mode": component.mode, "slices": slices}),
                "source_kind": "metric",
                "source_ref": f"{component.metric}@{run.period.isoformat()}",
                "source_ids": sources,
            }
        )
    return from_rows(rows)
