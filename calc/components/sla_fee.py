"""SLA fees for installers and technicians: a fee per completed job from a rate table (by job type …),
reduced by ``missed_factor`` when the job missed its SLA; penalties for failed jobs, repeat visits (no
first-time fix) and low customer ratings, as a second, negative line per job."""

import polars as pl

from calc.context import Run
from calc.credit import credit_seller
from calc.filters import apply
from calc.filters import first_match
from calc.metrics import within_sla
from calc.money import to_cents
from calc.plan.model import Plan
from calc.plan.model import SlaFee
from calc.rates import round_div
from calc.rates import scale_of
from calc.rates import scaled

STAGE = "reward"


def lines(plan: Plan, component: SlaFee, run: Run, earlier: pl.LazyFrame) -> pl.DataFrame:
    """Return a fee line per completed job and a penalty line per job that incurs penalties."""
    orders = run.orders.filter(pl.col("outcome") != "cancelled").with_columns(
        pl.col("completed_at").dt.date().alias("closed_on")
    )
    orders = apply(credit_seller(orders, run.assigned(plan), "closed_on"), component.filter)
    table = pl.DataFrame(
        {
            "rate_row": list(range(len(component.rate_table))),
            "fee_cents": [to_cents(row.amount) for row in component.rate_table],
            "rate": [str(row.amount) for row in component.rate_table],
        },
        schema={"rate_row": pl.Int64, "fee_cents": pl.Int64, "rate": pl.String},
    )
    orders = orders.with_columns(first_match(component.rate_table, orders.columns).alias("rate_row"))
    orders = orders.join(table, on="rate_row", how="inner").with_columns(within_sla().alias("within_sla"))
    return pl.concat([_fees(component, orders), _penalties(component, orders)], how="vertical")


def _fees(component: SlaFee, orders: pl.DataFrame) -> pl.DataFrame:
    scale = scale_of([component.missed_factor])
    missed = round_div(pl.col("fee_cents") * scaled(component.missed_factor, scale), scale)
    done = orders.filter(pl.col("outcome") == "completed")
    return done.select(
        "partner_id",
        pl.col("closed_on").alias("event_date"),
        pl.lit("sla_fee").alias("line_kind"),
        pl.when(pl.col("within_sla")).then(pl.col("fee_cents")).otherwise(missed).alias("amount_cents"),
        pl.lit("job").alias("basis"),
        pl.col("job_type").alias("basis_value"),
        pl.when(pl.col("within_sla"))
        .then(pl.col("rate"))
        .otherwise(pl.col("rate") + pl.lit(f" × {component.missed_factor}"))
        .alias("rate"),
        pl.format(
            '{{"rate_table_row": {}, "sla_hours": {}, "within_sla": {}}}',
            "rate_row",
            "sla_hours",
            pl.col("within_sla").cast(pl.String),
        ).alias("inputs"),
        *_source(),
    )


def _penalties(component: SlaFee, orders: pl.DataFrame) -> pl.DataFrame:
    failed = pl.col("outcome") == "failed"
    repeat = (pl.col("outcome") == "completed") & (pl.col("first_time_fix") == False)  # noqa: E712 - null is unknown
    low = pl.lit(False) if component.rating_below is None else (pl.col("rating") < component.rating_below)
    failed_cents = pl.when(failed).then(_cents(component.failed_penalty)).otherwise(0)
    repeat_cents = pl.when(repeat.fill_null(False)).then(_cents(component.repeat_visit_penalty)).otherwise(0)
    low_cents = pl.when(low.fill_null(False)).then(_cents(component.rating_penalty)).otherwise(0)
    penalised = orders.with_columns(
        failed_cents.alias("failed"), repeat_cents.alias("repeat_visit"), low_cents.alias("low_rating")
    ).with_columns((pl.col("failed") + pl.col("repeat_visit") + pl.col("low_rating")).alias("penalty"))
    return penalised.filter(pl.col("penalty") != 0).select(
        "partner_id",
        pl.col("closed_on").alias("event_date"),
        pl.lit("sla_penalty").alias("line_kind"),
        (-pl.col("penalty")).alias("amount_cents"),
        pl.lit("penalty").alias("basis"),
        pl.col("outcome").alias("basis_value"),
        pl.lit(None, dtype=pl.String).alias("rate"),
        pl.format(
            '{{"failed_cents": {}, "repeat_visit_cents": {}, "low_rating_cents": {}, "rating": {}}}',
            "failed",
            "repeat_visit",
            "low_rating",
            pl.col("rating").cast(pl.String).fill_null("null"),
        ).alias("inputs"),
        *_source(),
    )


def _cents(amount) -> pl.Expr:
    return pl.lit(to_cents(amount), dtype=pl.Int64)


def _source() -> list[pl.Expr]:
    return [
        pl.lit("service_order").alias("source_kind"),
        pl.col("order_ref").alias("source_ref"),
        pl.col("service_order_id").alias("source_id"),
    ]
