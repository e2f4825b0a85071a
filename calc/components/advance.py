"""Advance (anticipo provvigionale soggetto a conguaglio): an upfront amount paid in the statement of the
period the partner's assignment to a multi-year agreement starts, then recovered from each later statement:
``recovery_rate`` of the statement's payable commissions, at most ``recovery_cap``, never more than what is
still outstanding. The outstanding balance is carried forward through the lines themselves: the advance line
less the recovery lines that point at it."""

import json
from fractions import Fraction

import polars as pl

from calc.context import Run
from calc.lineage import from_rows
from calc.money import from_cents
from calc.money import to_cents
from calc.plan.model import Advance
from calc.plan.model import Plan
from calc.rates import cents

STAGE = "pay"
RECOVERY_LABEL = "recupero anticipo provvigionale"
NOT_A_BASE = ("advance", "advance_recovery")


def outstanding(history: pl.DataFrame, plan: Plan, component: Advance) -> list[tuple[int, str, int]]:
    """Return (partner_id, advance line key, cents still to recover) for every advance not fully recovered."""
    advances = history.filter(
        (pl.col("plan_id") == plan.plan_id)
        & (pl.col("component_id") == component.id)
        & (pl.col("line_kind") == "advance")
    )
    recovered = (
        history.filter(pl.col("line_kind") == "advance_recovery")
        .group_by("original_line_key")
        .agg(pl.col("amount_cents").sum().alias("recovered"))
    )
    balance = advances.join(recovered, left_on="line_key", right_on="original_line_key", how="left").with_columns(
        (pl.col("amount_cents") + pl.col("recovered").fill_null(0)).alias("balance")
    )
    rows = balance.filter(pl.col("balance") > 0).sort("period", "line_key")
    return rows.select("partner_id", "line_key", "balance").rows()


def lines(plan: Plan, component: Advance, run: Run, earlier: pl.LazyFrame) -> pl.DataFrame:
    """Return the advance lines due this period and the recoveries from this period's statements."""
    payable = earlier.filter((pl.col("status") != "held") & ~pl.col("line_kind").is_in(NOT_A_BASE))
    base = dict(payable.group_by("partner_id").agg(pl.col("amount_cents").sum()).collect().rows())
    rows = []
    history = run.prior_lines
    already = set(history.filter((pl.col("plan_id") == plan.plan_id) & (pl.col("component_id") == component.id)
                                 & (pl.col("line_kind") == "advance")).get_column("partner_id").to_list())
    for partner, assigned_from in run.members(plan).select("partner_id", "assigned_from").iter_rows():
        if assigned_from >= run.period and partner not in already:
            rows.append(_payment(plan, component, run, partner, assigned_from))
    for partner, advance_key, balance in outstanding(history, plan, component):
        recovery = _recovery(component, base.get(partner, 0), balance)
        if recovery:
            base[partner] = base.get(partner, 0) - recovery
            rows.append(_recovery_line(component, run, partner, advance_key, balance, recovery, base[partner] + recovery))
    return from_rows(rows)


def _payment(plan: Plan, component: Advance, run: Run, partner: int, assigned_from) -> dict:
    return {
        "partner_id": partner,
        "event_date": assigned_from,
        "line_kind": "advance",
        "amount_cents": to_cents(component.amount),
        "basis": "agreement",
        "basis_value": str(component.amount),
        "inputs": json.dumps({"recovery_rate": str(component.recovery_rate),
                              "recovery_cap": None if component.recovery_cap is None else str(component.recovery_cap)}),
        "source_kind": "assignment",
        "source_ref": f"{plan.plan_id}@{assigned_from.isoformat()}",
        "label": component.label,
    }


def _recovery(component: Advance, base_cents: int, balance: int) -> int:
    if base_cents <= 0:
        return 0
    due = cents(Fraction(base_cents, 100) * Fraction(component.recovery_rate))
    if component.recovery_cap is not None:
        due = min(due, to_cents(component.recovery_cap))
    return min(due, balance)


def _recovery_line(component: Advance, run: Run, partner: int, key: str, balance: int, recovery: int, base: int) -> dict:
    return {
        "partner_id": partner,
        "event_date": run.period,
        "line_kind": "advance_recovery",
        "amount_cents": -recovery,
        "basis": "statement payable",
        "basis_value": str(from_cents(base)),
        "rate": str(component.recovery_rate),
        "inputs": json.dumps({"outstanding_before_cents": balance, "outstanding_after_cents": balance - recovery,
                              "recovery_cap": None if component.recovery_cap is None else str(component.recovery_cap)}),
        "source_kind": "line",
        "source_ref": key,
        "original_line_key": key,
        "label": RECOVERY_LABEL,
    }
