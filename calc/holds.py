"""Holds and releases: a line earned but not paid until its condition holds, then released into the
statement of the period in which the condition is first seen to hold.

A held line carries its condition as self-describing text in ``hold_until``:
``active`` (the contract's supply is active), ``first_bill_paid`` (a bill of the contract is paid),
``bill_paid:<billing_ref>`` (that bill is paid) or ``period:<YYYY-MM-DD>`` (that statement period reached).
A hold is closed by a release line or, when the contract is clawed back first, by a held clawback line.
"""

from datetime import date

import polars as pl

from calc.context import Run
from calc.plan.model import Hold


def hold_text(hold: Hold | None, period: date) -> pl.Expr:
    """Return the ``hold_until`` text of a component's hold for lines of ``period`` (null when none)."""
    if hold is None:
        return pl.lit(None, dtype=pl.String)
    if hold.until == "bill_paid":
        return pl.lit("bill_paid:") + pl.col("source_ref")
    if hold.until == "periods":
        months = period.year * 12 + period.month - 1 + hold.periods
        return pl.lit(f"period:{date(months // 12, months % 12 + 1, 1).isoformat()}")
    return pl.lit(hold.until)


def _checks(run: Run) -> dict[str, tuple[pl.Expr, pl.Expr]]:
    """Return, per condition kind, (the expression recognising it, the expression telling it holds)."""
    condition = pl.col("hold_until")

    def active() -> pl.Expr:
        contracts = run.inputs.contracts.filter(
            pl.col("activated_on").is_not_null()
            & (pl.col("activated_on") < run.period_end)
            & (pl.col("status") != "cancelled")
        )
        return pl.col("contract_ref").is_in(contracts.get_column("contract_ref").implode())

    def paid(column: str) -> pl.Series:
        return run.paid_bills.get_column(column).implode()

    return {
        "active": (condition == "active", active),
        "first_bill_paid": (
            condition == "first_bill_paid",
            lambda: pl.col("contract_ref").is_in(paid("contract_ref")),
        ),
        "bill_paid": (
            condition.str.starts_with("bill_paid:"),
            lambda: condition.str.strip_prefix("bill_paid:").is_in(paid("billing_ref")),
        ),
        # ISO dates sort as text, so the period reached is a string comparison.
        "periods": (
            condition.str.starts_with("period:"),
            lambda: condition.str.strip_prefix("period:") <= run.period.isoformat(),
        ),
    }


def satisfied(lines: pl.DataFrame, run: Run, kinds=None) -> pl.Series:
    """Return, per line, whether its hold condition holds at the end of the run's period.

    ``kinds`` limits the conditions looked at (all when None), so a component's lines only pay for their own.
    """
    check = pl.when(pl.col("hold_until").is_null()).then(True)
    for kind, (recognise, holds) in _checks(run).items():
        if kinds is None or kind in kinds:
            check = check.when(recognise).then(holds())
    check = check.otherwise(False).fill_null(False)
    return lines.select(check.alias("satisfied")).get_column("satisfied")


def apply_holds(lines: pl.DataFrame, run: Run, hold: Hold | None) -> pl.DataFrame:
    """Mark as held the payable lines of a component with ``hold`` whose condition does not hold yet."""
    if hold is None or lines.is_empty():
        return lines
    ok = satisfied(lines, run, (hold.until,))
    return lines.with_columns(
        pl.when((pl.col("status") == "payable") & ~ok).then(pl.lit("held")).otherwise(pl.col("status")).alias("status")
    )


def open_holds(prior: pl.DataFrame, current: pl.LazyFrame) -> pl.DataFrame:
    """Return the held lines of earlier periods not yet closed by a release or a clawback."""
    closing = pl.col("line_kind").is_in(["release", "clawback"])
    closers = pl.concat([prior.filter(closing), current.filter(closing).collect()])
    closed = closers.get_column("original_line_key").drop_nulls()
    return prior.filter(
        (pl.col("status") == "held")
        & (pl.col("line_kind") != "clawback")
        & ~pl.col("line_key").is_in(closed.implode())
    )


def releases(run: Run, current: pl.LazyFrame) -> pl.DataFrame:
    """Return a release line for every open hold whose condition now holds."""
    pending = open_holds(run.prior_lines, current)
    if pending.is_empty():
        return pending
    due = pending.filter(satisfied(pending, run))
    return due.with_columns(
        pl.lit(run.period).alias("period"),
        pl.lit("release").alias("line_kind"),
        pl.lit("released").alias("status"),
        pl.lit("line").alias("source_kind"),
        pl.col("line_key").alias("source_ref"),
        pl.col("line_key").alias("original_line_key"),
        pl.lit(None, dtype=pl.Int64).alias("source_id"),
    ).drop("line_key")
