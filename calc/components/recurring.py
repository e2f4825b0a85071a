"""Recurring: a rate per kWh/Smc billed, or a fraction of the fixed fee billed, for N months after activation
while the supply is active. Rates are applied in integers: volume (milli-units) × rate (scaled to an integer)
divided back with round-half-up, so every line is exact to the cent."""

import polars as pl

from calc.context import Run
from calc.credit import credit_seller
from calc.filters import apply
from calc.filters import first_match
from calc.plan.model import Plan
from calc.plan.model import Recurring
from calc.rates import decimal_text
from calc.rates import month_index
from calc.rates import round_div
from calc.rates import scale_of
from calc.rates import scaled

STAGE = "reward"
UNITS = {"electricity": "kWh", "gas": "Smc"}


def lines(plan: Plan, component: Recurring, run: Run, earlier: pl.LazyFrame) -> pl.DataFrame:
    """Return one line per billing line of the period inside the contract's commission window."""
    served = month_index(pl.col("period")) - month_index(pl.col("activated_on"))
    window = (
        served.is_between(0, component.months - 1).fill_null(False)
        & (pl.col("terminated_on").is_null() | (pl.col("period") < pl.col("terminated_on")))
    )
    # Lazy, so that polars fuses the filters and joins and reads only the columns the lines need.
    bills = apply(credit_seller(run.billing.lazy().filter(window), run.assigned(plan), "period"), component.filter)
    scale = scale_of(row.rate for row in component.rate_table)
    table = pl.DataFrame(
        {
            "rate_row": list(range(len(component.rate_table))),
            "rate_scaled": [scaled(row.rate, scale) for row in component.rate_table],
            "rate": [str(row.rate) for row in component.rate_table],
        },
        schema={"rate_row": pl.Int64, "rate_scaled": pl.Int64, "rate": pl.String},
    )
    columns = bills.collect_schema().names()
    bills = bills.with_columns(first_match(component.rate_table, columns).alias("rate_row"))
    bills = bills.join(table.lazy(), on="rate_row", how="inner")
    if component.basis == "volume":
        # cents = volume_milli / 1000 × rate × 100 = volume_milli × rate_scaled / (10 × scale)
        amount = round_div(pl.col("volume_milli").cast(pl.Int128) * pl.col("rate_scaled"), 10 * scale)
        basis = pl.col("product").replace_strict(UNITS, default="units")
        basis_value = decimal_text(pl.col("volume_milli"), 3)
    else:
        amount = round_div(pl.col("fixed_fee_cents").cast(pl.Int128) * pl.col("rate_scaled"), scale)
        basis = pl.lit("fixed_fee")
        basis_value = decimal_text(pl.col("fixed_fee_cents"), 2)
    return bills.select(
        "partner_id",
        pl.col("period").alias("event_date"),
        amount.alias("amount_cents"),
        basis.alias("basis"),
        basis_value.alias("basis_value"),
        "rate",
        pl.lit("billing_line").alias("source_kind"),
        pl.col("billing_ref").alias("source_ref"),
        pl.col("billing_line_id").alias("source_id"),
        "contract_ref",
        "contract_id",
    ).filter(pl.col("amount_cents") != 0).collect()
