"""Clawback (storno): when a contract is cancelled or terminated within N months of activation, a negative
line for each earlier line of the clawed-back components, at the original rate, in full or pro-rata to the
months not served. It points at the original line; an original still on hold is clawed back on hold, which
closes the hold instead of taking back money that was never paid."""

import polars as pl

from calc.context import Run
from calc.filters import apply
from calc.plan.model import Clawback
from calc.plan.model import Plan
from calc.rates import round_div

STAGE = "clawback"

CARRIED = ("partner_id", "event_date", "basis", "basis_value", "rate", "tier", "contract_ref", "line_key", "status")


def months_between(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """Return the whole months elapsed from ``start`` to ``end``."""
    months = (end.dt.year() - start.dt.year()) * 12 + end.dt.month().cast(pl.Int32) - start.dt.month().cast(pl.Int32)
    return (months - (end.dt.day() < start.dt.day()).cast(pl.Int32)).cast(pl.Int64)


def lines(plan: Plan, component: Clawback, run: Run, earlier: pl.LazyFrame) -> pl.DataFrame:
    """Return the clawback lines for contracts that ended in the period within the clawback window."""
    ended = run.contracts.filter(
        (pl.col("terminated_on") >= run.period)
        & (pl.col("terminated_on") < run.period_end)
        & pl.col("status").is_in(list(component.statuses))
    )
    ended = apply(ended, component.filter).filter(
        pl.col("activated_on").is_null()
        | (pl.col("terminated_on") < pl.col("activated_on").dt.offset_by(f"{component.within_months}mo"))
    )
    # Only lines of the ended contracts matter: select them before anything else touches the history.
    refs = ended.get_column("contract_ref").implode()
    relevant = (pl.col("plan_id") == plan.plan_id) & pl.col("contract_ref").is_in(refs)
    history = pl.concat([run.prior_lines.filter(relevant), earlier.filter(relevant).collect()], how="vertical")
    done = history.filter(pl.col("line_kind") == "clawback").get_column("original_line_key")
    released = history.filter(pl.col("line_kind") == "release").get_column("original_line_key")
    originals = history.filter(
        pl.col("component_id").is_in(list(component.of_components))
        & pl.col("line_kind").is_in(["one_off", "recurring"])
        & ~pl.col("line_key").is_in(done.implode())
    ).select(*CARRIED, pl.col("amount_cents").alias("original_cents"))
    matched = originals.join(
        ended.select("contract_ref", "contract_id", "activated_on", "terminated_on"), on="contract_ref", how="inner"
    )
    served = months_between(pl.col("activated_on"), pl.col("terminated_on")).fill_null(0)
    remaining = (component.within_months - served).clip(lower_bound=0)
    if component.mode == "full":
        amount = -pl.col("original_cents")
    else:
        amount = -round_div(pl.col("original_cents") * remaining, component.within_months)
    still_held = (pl.col("status") == "held") & ~pl.col("line_key").is_in(released.implode())
    return matched.select(
        "partner_id",
        "event_date",
        pl.lit("clawback").alias("line_kind"),
        amount.alias("amount_cents"),
        "basis",
        "basis_value",
        "rate",
        "tier",
        pl.format(
            '{{"mode": "{}", "original_cents": {}, "activated_on": "{}", "terminated_on": "{}", '
            '"months_served": {}, "within_months": {}}}',
            pl.lit(component.mode),
            "original_cents",
            pl.col("activated_on").cast(pl.String).fill_null(""),
            "terminated_on",
            served,
            pl.lit(component.within_months),
        ).alias("inputs"),
        pl.lit("line").alias("source_kind"),
        pl.col("line_key").alias("source_ref"),
        "contract_ref",
        "contract_id",
        pl.col("line_key").alias("original_line_key"),
        pl.when(still_held).then(pl.lit("held")).otherwise(pl.lit("payable")).alias("status"),
    ).filter(pl.col("amount_cents") != 0)
