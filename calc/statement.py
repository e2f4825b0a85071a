"""Statements (estratti conto): per partner and period, the totals a statement shows, each the sum of lines.

Lines are partitioned by kind into gross earnings, clawbacks, releases, advances, advance recovery,
adjustments (cap, guarantee, floor) and deltas; ``held`` takes back what is on hold, so
``payable`` = every line − held lines = the sum of the buckets. Totals are sums of already-rounded lines.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl

from calc.catalogue import EARNED_KINDS
from calc.money import from_cents

BUCKETS: dict[str, tuple[str, ...]] = {
    "gross": EARNED_KINDS,
    "clawbacks": ("clawback",),
    "releases": ("release",),
    "advances": ("advance",),
    "advance_recovery": ("advance_recovery",),
    "adjustments": ("cap", "guarantee", "floor", "floor_recovery"),
    "deltas": ("delta",),
}
COLUMNS = tuple(f"{name}_cents" for name in (*BUCKETS, "held", "payable"))


def summarize(lines: pl.DataFrame) -> pl.DataFrame:
    """Return one row per partner and period with each bucket's total in cents and the payable total."""
    amount = pl.col("amount_cents")
    sums = [amount.filter(pl.col("line_kind").is_in(kinds)).sum().alias(f"{name}_cents") for name, kinds in BUCKETS.items()]
    held = (-amount.filter(pl.col("status") == "held").sum()).alias("held_cents")
    payable = amount.filter(pl.col("status") != "held").sum().alias("payable_cents")
    # Lazy: an eager group-by would first copy every column of a many-part frame of lines.
    return (
        lines.lazy()
        .group_by("partner_id", "period")
        .agg(*sums, held, payable, pl.len().alias("lines"))
        .with_columns(pl.col(c).cast(pl.Int64) for c in COLUMNS)
        .sort("partner_id", "period")
        .collect()
    )


@dataclass(frozen=True)
class Statement:
    """A partner's statement totals for a period, as exact Decimals."""

    partner_id: int
    period: date
    gross: Decimal
    clawbacks: Decimal
    releases: Decimal
    advances: Decimal
    advance_recovery: Decimal
    adjustments: Decimal
    deltas: Decimal
    held: Decimal
    payable: Decimal
    lines: int


def statements(lines: pl.DataFrame) -> Iterator[Statement]:
    """Yield each partner's statement with Decimal totals."""
    for row in summarize(lines).iter_rows(named=True):
        totals = {name.removesuffix("_cents"): from_cents(row[name]) for name in COLUMNS}
        yield Statement(partner_id=row["partner_id"], period=row["period"], lines=row["lines"], **totals)
