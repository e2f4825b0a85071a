"""Pay: per partner and period limits on a plan's lines — a cap on earnings, a minimum guarantee, and a
floor on the net whose top-up is carried forward and recovered in the next period.

- cap: when the plan's earned lines (any status) exceed the cap, a ``cap`` line takes back the excess;
- guarantee: when they fall short of the guarantee, a ``guarantee`` line tops them up (not recovered);
- floor: when the plan's payable net (after clawbacks, releases, cap and guarantee) is below the floor, a
  ``floor`` line brings it up, and a ``floor_recovery`` line takes the same amount back next period.
"""

import json
from datetime import date

import polars as pl

from calc.catalogue import EARNED_KINDS
from calc.context import Run
from calc.lineage import from_rows
from calc.money import from_cents
from calc.money import to_cents
from calc.plan.model import Plan


def _previous_month(day: date) -> date:
    return date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)


def _totals(lines: pl.LazyFrame, plan: Plan) -> tuple[dict[int, int], dict[int, int]]:
    """Return per partner the plan's gross earnings (any status) and its payable net."""
    amount = pl.col("amount_cents")
    totals = (
        lines.filter(pl.col("plan_id") == plan.plan_id)
        .group_by("partner_id")
        .agg(
            amount.filter(pl.col("line_kind").is_in(EARNED_KINDS)).sum().alias("gross"),
            amount.filter(pl.col("status") != "held").sum().alias("net"),
        )
        .collect()
    )
    gross = dict(totals.select("partner_id", "gross").rows())
    net = dict(totals.select("partner_id", "net").rows())
    return gross, net


def _line(run: Run, partner: int, kind: str, amount: int, basis: str, value: int, rate, extra=None) -> dict:
    return {
        "partner_id": partner,
        "event_date": run.period,
        "line_kind": kind,
        "amount_cents": amount,
        "basis": basis,
        "basis_value": str(from_cents(value)),
        "rate": None if rate is None else str(rate),
        "inputs": json.dumps(extra or {}),
        "source_kind": "statement",
        "source_ref": f"{partner}@{run.period.isoformat()}",
        "original_line_key": (extra or {}).get("recovers"),
    }


def limit_lines(plan: Plan, run: Run, lines: pl.LazyFrame) -> pl.DataFrame:
    """Return the cap, guarantee, floor and floor-recovery lines of ``plan`` for the period."""
    limits = plan.limits
    gross, net = _totals(lines, plan)
    rows = []
    previous = run.prior_lines.filter(
        (pl.col("plan_id") == plan.plan_id)
        & (pl.col("line_kind") == "floor")
        & (pl.col("period") == _previous_month(run.period))
    )
    for partner, key, amount in previous.select("partner_id", "line_key", "amount_cents").iter_rows():
        rows.append(_line(run, partner, "floor_recovery", -amount, "floor carried forward", amount, None,
                          {"recovers": key}))
    for partner in run.members(plan).get_column("partner_id").to_list():
        earned = gross.get(partner, 0)
        if limits.cap is not None and earned > to_cents(limits.cap):
            rows.append(_line(run, partner, "cap", to_cents(limits.cap) - earned, "gross", earned, limits.cap))
        if limits.guarantee is not None and earned < to_cents(limits.guarantee):
            rows.append(_line(run, partner, "guarantee", to_cents(limits.guarantee) - earned, "gross", earned,
                              limits.guarantee))
    if limits.floor is None:
        return from_rows(rows)
    for row in rows:
        net[row["partner_id"]] = net.get(row["partner_id"], 0) + row["amount_cents"]
    for partner in run.members(plan).get_column("partner_id").to_list():
        value = net.get(partner, 0)
        if value < to_cents(limits.floor):
            rows.append(_line(run, partner, "floor", to_cents(limits.floor) - value, "net", value, limits.floor))
    return from_rows(rows)
