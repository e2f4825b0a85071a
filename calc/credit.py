"""Credit: who earns each transaction — the seller under the plans assigned to it on the transaction's date,
and, for overrides, its upline level by level as the hierarchy stood on that date."""

from datetime import date

import polars as pl

from calc.inputs import InputError
from calc.plan.model import Plan

FAR_FUTURE = date(9999, 12, 31)


def expand_assignments(assignments: pl.DataFrame, partners: pl.DataFrame) -> pl.DataFrame:
    """Return assignments one row per partner (groups expanded), refusing overlaps for the same plan."""
    direct = assignments.filter(pl.col("partner_id").is_not_null()).drop("group")
    members = partners.select("partner_id", pl.col("groups").alias("group")).explode("group")
    by_group = (
        assignments.filter(pl.col("partner_id").is_null())
        .drop("partner_id")
        .join(members, on="group", how="inner")
        .drop("group")
        .select(direct.columns)
    )
    expanded = pl.concat([direct, by_group]).with_columns(pl.col("valid_to").fill_null(FAR_FUTURE))
    _refuse_overlaps(expanded)
    return expanded


def _refuse_overlaps(expanded: pl.DataFrame) -> None:
    ordered = expanded.sort("plan_id", "partner_id", "valid_from").with_columns(
        pl.col("valid_to").shift(1).over("plan_id", "partner_id").alias("previous_to")
    )
    clash = ordered.filter(pl.col("previous_to") > pl.col("valid_from"))
    if clash.height:
        row = clash.row(0, named=True)
        raise InputError(
            f"assignments: partner {row['partner_id']} is assigned to plan {row['plan_id']!r} twice "
            f"on overlapping dates (from {row['valid_from']})"
        )


def plan_assignments(expanded: pl.DataFrame, plan: Plan) -> pl.DataFrame:
    """Return (partner_id, valid_from, valid_to) of the partners assigned to this plan version."""
    plan_to = plan.valid_to or FAR_FUTURE
    return (
        expanded.filter((pl.col("plan_id") == plan.plan_id) & (pl.col("plan_version") == plan.version))
        .with_columns(
            pl.max_horizontal(pl.col("valid_from"), pl.lit(plan.valid_from)).alias("valid_from"),
            pl.min_horizontal(pl.col("valid_to"), pl.lit(plan_to)).alias("valid_to"),
        )
        .filter(pl.col("valid_from") < pl.col("valid_to"))
        .select("partner_id", "valid_from", "valid_to")
    )


def credit_seller(transactions, assigned: pl.DataFrame, date_column: str, who: str = "partner_id"):
    """Return the transactions (a DataFrame or LazyFrame) whose partner (column ``who``) was on the plan on
    the transaction's date."""
    if isinstance(transactions, pl.LazyFrame):
        assigned = assigned.lazy()
    return (
        transactions.join(assigned.rename({"partner_id": who}), on=who, how="inner")
        .filter(
            (pl.col(date_column) >= pl.col("valid_from")) & (pl.col(date_column) < pl.col("valid_to"))
        )
        .drop("valid_from", "valid_to")
    )


def partners_in_period(expanded: pl.DataFrame, plan: Plan, start: date, end: date) -> pl.DataFrame:
    """Return the partners on this plan version for period-level components in [start, end), with the day
    their assignment started.

    A partner moved from one version of a plan to another during the period counts under the later one only,
    so that period-level lines (tiers, bonuses, limits …) are paid once per plan.
    """
    overlapping = expanded.filter(
        (pl.col("plan_id") == plan.plan_id) & (pl.col("valid_from") < end) & (pl.col("valid_to") > start)
    )
    latest = overlapping.sort("valid_from").group_by("partner_id").agg(pl.all().last())
    return (
        latest.filter(pl.col("plan_version") == plan.version)
        .join(plan_assignments(overlapping, plan).select("partner_id"), on="partner_id", how="semi")
        .select("partner_id", pl.col("valid_from").alias("assigned_from"))
        .sort("partner_id")
    )


def refuse_overlapping_parents(hierarchy: pl.DataFrame) -> None:
    """Raise InputError when a partner has two parents on the same day."""
    ordered = (
        hierarchy.with_columns(pl.col("valid_to").fill_null(FAR_FUTURE))
        .sort("partner_id", "valid_from")
        .with_columns(pl.col("valid_to").shift(1).over("partner_id").alias("previous_to"))
    )
    clash = ordered.filter(pl.col("previous_to") > pl.col("valid_from"))
    if clash.height:
        row = clash.row(0, named=True)
        raise InputError(f"hierarchy: partner {row['partner_id']} has two parents on {row['valid_from']}")


def uplines(frame: pl.DataFrame, hierarchy: pl.DataFrame, levels: int, date_column: str) -> pl.DataFrame:
    """Return ``frame`` once per upline level 1..levels, with ``upline_id`` and ``level``, as of each row's date."""
    links = hierarchy.select(
        pl.col("partner_id").alias("_child"),
        pl.col("parent_id").alias("upline_id"),
        "valid_from",
        pl.col("valid_to").fill_null(FAR_FUTURE),
    )
    current = frame.with_columns(pl.col("partner_id").alias("_child"))
    found = []
    for level in range(1, levels + 1):
        current = (
            current.join(links, on="_child", how="inner")
            .filter((pl.col(date_column) >= pl.col("valid_from")) & (pl.col(date_column) < pl.col("valid_to")))
            .drop("valid_from", "valid_to")
        )
        found.append(current.with_columns(pl.lit(level, dtype=pl.Int64).alias("level")))
        current = current.with_columns(pl.col("upline_id").alias("_child")).drop("upline_id")
    if not found:
        return frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("upline_id"), pl.lit(0).alias("level")).clear()
    return pl.concat(found).drop("_child")
