"""One-off: a fixed amount per contract, dated at activation (or signature), from an ordered rate table."""

import polars as pl

from calc.context import Run
from calc.credit import credit_seller
from calc.filters import apply
from calc.filters import first_match
from calc.money import to_cents
from calc.plan.model import OneOff
from calc.plan.model import Plan

STAGE = "reward"


def lines(plan: Plan, component: OneOff, run: Run, earlier: pl.LazyFrame) -> pl.DataFrame:
    """Return one line per contract dated in the period and matched by the rate table."""
    dated = pl.col(component.dated_on)
    contracts = run.contracts.filter((dated >= run.period) & (dated < run.period_end))
    contracts = apply(credit_seller(contracts, run.assigned(plan), component.dated_on), component.filter)
    table = pl.DataFrame(
        {
            "rate_row": list(range(len(component.rate_table))),
            "amount_cents": [to_cents(row.amount) for row in component.rate_table],
            "rate": [str(row.amount) for row in component.rate_table],
        },
        schema={"rate_row": pl.Int64, "amount_cents": pl.Int64, "rate": pl.String},
    )
    matched = contracts.with_columns(first_match(component.rate_table, contracts.columns).alias("rate_row"))
    return matched.join(table, on="rate_row", how="inner").select(
        "partner_id",
        pl.col(component.dated_on).alias("event_date"),
        "amount_cents",
        pl.lit("activation" if component.dated_on == "activated_on" else "signature").alias("basis"),
        pl.lit("1").alias("basis_value"),
        "rate",
        pl.lit("contract").alias("source_kind"),
        pl.col("contract_ref").alias("source_ref"),
        pl.col("contract_id").alias("source_id"),
        "contract_ref",
        "contract_id",
    )
