"""Versioned results: recomputing a past period gives a new version; what differs from the approved version
becomes delta lines in the statement of the period being run. Nothing approved is rewritten.

``deltas`` is pure: approved lines of period P (its original lines and any deltas already booked against
them) and the recomputed lines of P give, per line key, the difference, as a ``delta`` line that points at
the line it corrects. Approved + deltas = recomputed, key by key; unchanged inputs give no delta.
"""

import polars as pl

from calc.lineage import LINE_SCHEMA
from calc.lineage import complete

DESCRIBING = ("partner_id", "plan_id", "plan_version", "component_id", "component_kind", "event_date", "basis",
              "basis_value", "rate", "tier", "formula", "contract_ref", "contract_id", "status", "hold_until", "label")


def effective_totals(lines: pl.DataFrame) -> pl.DataFrame:
    """Return (key, cents) per corrected line: deltas count towards the line they point at."""
    key = pl.when(pl.col("line_kind") == "delta").then(pl.col("original_line_key")).otherwise(pl.col("line_key"))
    return lines.group_by(key.alias("key")).agg(pl.col("amount_cents").sum().alias("cents"))


def deltas(approved: pl.DataFrame, recomputed: pl.DataFrame, run_period) -> pl.DataFrame:
    """Return the delta lines, booked in ``run_period``, that turn ``approved`` into ``recomputed``."""
    old = effective_totals(approved).rename({"cents": "approved_cents"})
    new = recomputed.select("line_key", "amount_cents", *DESCRIBING).rename(
        {"line_key": "key", "amount_cents": "recomputed_cents"}
    )
    described_old = (
        approved.filter(pl.col("line_kind") != "delta")
        .select(pl.col("line_key").alias("key"), "period", *DESCRIBING)
        .unique(subset="key", keep="first")
    )
    joined = old.join(new, on="key", how="full", coalesce=True).with_columns(
        pl.col("approved_cents").fill_null(0), pl.col("recomputed_cents").fill_null(0)
    )
    changed = joined.filter(pl.col("approved_cents") != pl.col("recomputed_cents"))
    # Lines that disappeared take their description from the approved version.
    fallback = described_old.rename({c: f"old_{c}" for c in ("period", *DESCRIBING)})
    changed = changed.join(fallback, on="key", how="left").with_columns(
        pl.coalesce(pl.col(c), pl.col(f"old_{c}")).alias(c) for c in DESCRIBING
    )
    corrected_period = pl.col("key").str.split("|").list.last()
    frame = changed.select(
        *DESCRIBING,
        pl.lit("delta").alias("line_kind"),
        (pl.col("recomputed_cents") - pl.col("approved_cents")).alias("amount_cents"),
        pl.format(
            '{{"corrects_period": "{}", "approved_cents": {}, "recomputed_cents": {}}}',
            corrected_period,
            "approved_cents",
            "recomputed_cents",
        ).alias("inputs"),
        pl.lit("line").alias("source_kind"),
        pl.col("key").alias("source_ref"),
        pl.col("key").alias("original_line_key"),
    ).sort("source_ref")
    return complete(frame, period=run_period).select(list(LINE_SCHEMA))
