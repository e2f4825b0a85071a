"""Formula: a user-written expression over named period metrics, evaluated on Decimal per partner by the
restricted evaluator ``calc.formula``; the result (in euro) is rounded to cents once, half up."""

import json
from decimal import Decimal
from fractions import Fraction

import polars as pl

from calc.catalogue import METRICS
from calc.components.target_bonus import targets_of
from calc.context import Run
from calc.formula import compile_formula
from calc.lineage import from_rows
from calc.metrics import measure
from calc.metrics import values
from calc.money import to_cents
from calc.plan.check import FORMULA_EXTRA_NAMES
from calc.plan.model import Formula
from calc.plan.model import Plan

STAGE = "reward"


def as_decimal(value: Fraction) -> Decimal:
    """Return a metric value as a Decimal (exact when finite, else to the context's precision)."""
    return Decimal(value.numerator) / Decimal(value.denominator)


def lines(plan: Plan, component: Formula, run: Run, earlier: pl.LazyFrame) -> pl.DataFrame:
    """Return each member partner's formula result for the period."""
    formula = compile_formula(component.expression, names=tuple(METRICS) + FORMULA_EXTRA_NAMES)
    used = [name for name in formula.names if name in METRICS]
    measured = {name: values(measure(run, name, component.filter)) for name in used}
    targets = targets_of(run, component.kpi) if component.kpi else {}
    actual = values(measure(run, component.metric, component.filter)) if component.metric else {}
    rows = []
    for partner in run.members(plan).get_column("partner_id").to_list():
        inputs = {name: as_decimal(measured[name].get(partner, Fraction(0))) for name in used}
        if component.kpi:
            target = targets.get(partner)
            if not target:
                continue
            inputs["target"] = as_decimal(target)
            inputs["attainment"] = as_decimal(actual.get(partner, Fraction(0)) / target)
        amount = to_cents(formula.evaluate(inputs))
        if amount == 0:
            continue
        rows.append(
            {
                "partner_id": partner,
                "event_date": run.period,
                "amount_cents": amount,
                "basis": "formula",
                "formula": component.expression,
                "inputs": json.dumps({name: str(value) for name, value in inputs.items()}),
                "source_kind": "metric",
                "source_ref": f"formula@{run.period.isoformat()}",
            }
        )
    return from_rows(rows)
