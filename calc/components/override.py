"""Multi-level override: each upline earns a rate of its downline's commissions (or billed sales), level by
level, the upline being the one in place on each transaction's date. One line per upline, level, downline
and source (plan, component and line kind of the downline's lines); the lines it is computed on are the
downline's lines of that source in the same statement, so the drill-down is exact."""

import polars as pl

from calc.context import Run
from calc.credit import credit_seller
from calc.credit import uplines
from calc.plan.model import Override
from calc.plan.model import Plan
from calc.rates import decimal_text
from calc.rates import round_div
from calc.rates import scale_of
from calc.rates import scaled

STAGE = "override"
GROUP = ("upline_id", "level", "partner_id", "plan_id", "component_id", "line_kind")


def basis_rows(plan: Plan, component: Override, run: Run, earlier: pl.LazyFrame) -> pl.LazyFrame:
    """Return (partner_id, event_date, amount_cents, plan_id, component_id, line_kind) the override is paid on."""
    if component.basis == "amount_billed":
        return run.billing.lazy().select(
            "partner_id",
            pl.col("period").alias("event_date"),
            "amount_cents",
            pl.lit("billing").alias("plan_id"),
            pl.col("product").alias("component_id"),
            pl.lit("amount_billed").alias("line_kind"),
        )
    plans = pl.col("plan_id").is_in(list(component.of_plans)) if component.of_plans else pl.col("plan_id") != plan.plan_id
    return earlier.filter(plans & pl.col("line_kind").is_in(list(component.of_kinds))).select(
        "partner_id", "event_date", "amount_cents", "plan_id", "component_id", "line_kind"
    )


def lines(plan: Plan, component: Override, run: Run, earlier: pl.LazyFrame) -> pl.DataFrame:
    """Return the override lines of the uplines assigned to this plan on each transaction's date."""
    # Sum per downline, day and source first: uplines are then resolved once per day, not once per line.
    base = (
        basis_rows(plan, component, run, earlier)
        .group_by("partner_id", "event_date", "plan_id", "component_id", "line_kind")
        .agg(pl.col("amount_cents").sum(), pl.len().alias("count"))
        .collect()
    )
    scale = scale_of(level.rate for level in component.levels)
    rates = pl.DataFrame(
        {
            "level": [level.level for level in component.levels],
            "rate_scaled": [scaled(level.rate, scale) for level in component.levels],
            "rate": [str(level.rate) for level in component.levels],
        },
        schema={"level": pl.Int64, "rate_scaled": pl.Int64, "rate": pl.String},
    )
    credited = uplines(base, run.inputs.hierarchy, len(component.levels), "event_date")
    credited = credit_seller(credited, run.assigned(plan), "event_date", who="upline_id")
    grouped = credited.group_by(GROUP).agg(
        pl.col("amount_cents").sum().alias("base_cents"),
        pl.col("count").sum(),
        pl.col("event_date").min().alias("first_date"),
        pl.col("event_date").max().alias("last_date"),
    )
    grouped = grouped.join(rates, on="level", how="inner")
    amount = round_div(pl.col("base_cents").cast(pl.Int128) * pl.col("rate_scaled"), scale)
    source = pl.concat_str([pl.col("partner_id"), "plan_id", "component_id", "line_kind"], separator="/")
    return grouped.select(
        pl.col("upline_id").alias("partner_id"),
        pl.col("last_date").alias("event_date"),
        amount.alias("amount_cents"),
        pl.lit(f"{component.basis} of downline").alias("basis"),
        decimal_text(pl.col("base_cents"), 2).alias("basis_value"),
        "rate",
        pl.format(
            '{{"level": {}, "downline": {}, "lines": {}, "from": "{}", "to": "{}"}}',
            "level",
            "partner_id",
            "count",
            "first_date",
            "last_date",
        ).alias("inputs"),
        pl.lit("downline_lines").alias("source_kind"),
        source.alias("source_ref"),
        pl.col("partner_id").alias("source_id"),
    ).filter(pl.col("amount_cents") != 0)
