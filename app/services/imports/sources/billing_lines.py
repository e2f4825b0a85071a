"""Billing lines: one row per billed period of a contract, versioned by ``billing_line_id``.

Besides the layout's rules: the contract must be known (its current version), a paid line needs its payment
day, and two warnings that do not block the import: a volume far above the contract's estimated yearly volume
for the period (an outlier), and an amount far from the volume at the usual prices of the commodity.
"""

import polars as pl
from sqlalchemy.orm import Session

from app.services.imports import layouts
from app.services.imports.matching import Counts
from app.services.imports.problems import WARNING
from app.services.imports.problems import ProblemLog
from app.services.imports.readers import ROW
from app.services.imports.sources import Plan
from app.services.imports.sources import references
from app.services.imports.sources.versioned import VersionedTable
from app.services.imports.validation import scaled_text

LAYOUT = layouts.BILLING_LINES
TABLE = VersionedTable(
    table="billing_line",
    key="billing_line_id",
    columns={"contract_external_id": "contract_id", "period_start": "period_start", "period_end": "period_end",
             "volume": "volume", "amount_billed": "amount_billed", "fixed_fee_billed": "fixed_fee_billed",
             "paid": "paid", "paid_on": "paid_on"},
    schema={"contract_external_id": pl.String, "period_start": pl.Date, "period_end": pl.Date, "volume": pl.Int64,
            "amount_billed": pl.Int64, "fixed_fee_billed": pl.Int64, "paid": pl.Boolean, "paid_on": pl.Date},
    decimals={"volume": 3, "amount_billed": 2, "fixed_fee_billed": 2},
)
OUTLIER_FACTOR = 3
# Plausible euro cents per kWh / Smc billed, all charges included; outside the band the line gets a warning.
PRICE_BAND_CENTS = {"electricity": (5, 100), "gas": (20, 300)}


def check(session: Session, rows: pl.DataFrame, log: ProblemLog) -> None:
    """Report unknown contracts, and outliers (warnings)."""
    contracts = references.current_contracts(session, rows.get_column("contract_id"))
    references.unknown(log, rows, "contract_id", contracts.get_column("key"), "unknown_contract")
    facts = rows.filter(~pl.col(ROW).is_in(log.error_rows().implode())).join(contracts.select(pl.col("key").alias("contract_id"), "commodity", "yearly_volume"),
                      on="contract_id", how="inner")
    _outliers(facts, log)
    _prices(facts, log)


def _outliers(facts: pl.DataFrame, log: ProblemLog) -> None:
    days = (pl.col("period_end") - pl.col("period_start")).dt.total_days() + 1
    expected = pl.col("yearly_volume") * days // 365
    flagged = facts.filter(pl.col("yearly_volume") > 0, pl.col("volume") > expected * OUTLIER_FACTOR).with_columns(
        scaled_text(pl.col("volume"), 3).alias("value"), scaled_text(expected, 3).alias("expected"))
    params = pl.struct(pl.col("value").alias("volume"), pl.lit(OUTLIER_FACTOR).alias("factor"),
                       pl.col("expected")).struct.json_encode()
    log.add_rows(flagged, "volume", "consumption_outlier", params, WARNING)


def _prices(facts: pl.DataFrame, log: ProblemLog) -> None:
    for commodity, (low, high) in PRICE_BAND_CENTS.items():
        cents_per_unit = pl.col("amount_billed") * 1000 // pl.col("volume")
        flagged = facts.filter(pl.col("commodity") == commodity, pl.col("volume") > 0,
                               (cents_per_unit < low) | (cents_per_unit > high)).with_columns(
            scaled_text(pl.col("amount_billed"), 2).alias("value"), scaled_text(cents_per_unit, 2).alias("price"))
        params = pl.struct(pl.col("price"), pl.lit(f"{low / 100:.2f}").alias("low"),
                           pl.lit(f"{high / 100:.2f}").alias("high")).struct.json_encode()
        log.add_rows(flagged, "amount_billed", "amount_far_from_volume", params, WARNING)


def match(session: Session, rows: pl.DataFrame, log: ProblemLog, present: frozenset[str]) -> Plan:
    """Classify the lines against their current versions."""
    matched = TABLE.match(session.connection(), TABLE.incoming(rows))
    return Plan(Counts.of(matched), {"matched": matched})


def write(session: Session, plan: Plan, batch, user, progress=None) -> None:
    """Retire the changed lines' current versions and insert the new versions."""
    TABLE.write(session.connection(), plan.data["matched"], batch.id, progress)
