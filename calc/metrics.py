"""The metric library: period measures per partner (activations, kWh billed, jobs within SLA, churn …).

Every metric is measured set-based for the run's period on the transactions credited to the seller and
selected by a filter, and comes out exact: ``numerator / denominator`` in integers (counts over 1, volumes
in milli-units over 1000, money in cents over 100, rates as two counts). ``sources`` lists the references of
the records measured, for lineage. Tiers, target bonuses and formulas read metrics through ``measure``.
"""

from collections.abc import Callable
from fractions import Fraction

import polars as pl

from calc.catalogue import METRICS
from calc.context import Run
from calc.filters import apply
from calc.plan.model import Condition
from calc.plan.model import Filter

COUNT = pl.len().cast(pl.Int64)
EVERYTHING = Filter()


def _contracts(run: Run, filter_: Filter, date_column: str) -> pl.DataFrame:
    dated = run.contracts.filter((pl.col(date_column) >= run.period) & (pl.col(date_column) < run.period_end))
    return apply(dated, filter_)


def _sum_of(frame_of: Callable, column: str, scale: int, ref: str, extra: Filter | None = None):
    def measure(run: Run, filter_: Filter) -> pl.DataFrame:
        frame = frame_of(run, filter_)
        if extra is not None:
            frame = apply(frame, extra)
        return _aggregate(frame, pl.col(column).sum(), pl.lit(scale, dtype=pl.Int64), ref)

    return measure


def _count_of(frame_of: Callable, ref: str, where: pl.Expr | None = None):
    def measure(run: Run, filter_: Filter) -> pl.DataFrame:
        frame = frame_of(run, filter_)
        if where is not None:
            frame = frame.filter(where)
        return _aggregate(frame, COUNT, pl.lit(1, dtype=pl.Int64), ref)

    return measure


def _rate_of(frame_of: Callable, ref: str, hit: pl.Expr):
    def measure(run: Run, filter_: Filter) -> pl.DataFrame:
        frame = frame_of(run, filter_)
        return _aggregate(frame, hit.cast(pl.Int64).sum(), COUNT, ref)

    return measure


def _aggregate(frame: pl.DataFrame, numerator: pl.Expr, denominator: pl.Expr, ref: str) -> pl.DataFrame:
    return (
        frame.group_by("partner_id")
        .agg(
            numerator.cast(pl.Int64).alias("numerator"),
            denominator.cast(pl.Int64).alias("denominator"),
            pl.col(ref).sort().str.join(",").alias("sources"),
        )
        .sort("partner_id")
    )


def _activated(run: Run, filter_: Filter) -> pl.DataFrame:
    return _contracts(run, filter_, "activated_on")


def _signed(run: Run, filter_: Filter) -> pl.DataFrame:
    return _contracts(run, filter_, "signed_on")


def _ended(run: Run, filter_: Filter) -> pl.DataFrame:
    return _contracts(run, filter_, "terminated_on").filter(pl.col("status").is_in(["terminated", "cancelled"]))


def _billed(run: Run, filter_: Filter) -> pl.DataFrame:
    return apply(run.billing, filter_)


def _jobs(run: Run, filter_: Filter) -> pl.DataFrame:
    return apply(run.orders, filter_).filter(pl.col("outcome") == "completed")


def within_sla() -> pl.Expr:
    """Return the expression true for jobs completed within their SLA hours."""
    elapsed = pl.col("completed_at") - pl.col("opened_at")
    return (elapsed <= pl.duration(hours=pl.col("sla_hours"))).fill_null(False)


def _churn_rate(run: Run, filter_: Filter) -> pl.DataFrame:
    active = apply(run.contracts, filter_).filter(
        (pl.col("activated_on") < run.period)
        & (pl.col("terminated_on").is_null() | (pl.col("terminated_on") >= run.period))
    )
    base = active.group_by("partner_id").agg(COUNT.alias("denominator"))
    ended = _aggregate(_ended(run, filter_), COUNT, pl.lit(1, dtype=pl.Int64), "contract_ref").drop("denominator")
    joined = base.join(ended, on="partner_id", how="full", coalesce=True).with_columns(
        pl.col("numerator").fill_null(0), pl.col("denominator").fill_null(0), pl.col("sources").fill_null("")
    )
    # No supply active at the start of the period: churn is 0 rather than undefined.
    return joined.with_columns(
        pl.when(pl.col("denominator") == 0).then(0).otherwise(pl.col("numerator")).alias("numerator"),
        pl.when(pl.col("denominator") == 0).then(1).otherwise(pl.col("denominator")).alias("denominator"),
    ).select("partner_id", "numerator", "denominator", "sources").sort("partner_id")


ELECTRICITY = Filter((Condition("product", ("electricity",)),))
GAS = Filter((Condition("product", ("gas",)),))

LIBRARY: dict[str, Callable[[Run, Filter], pl.DataFrame]] = {
    "activations": _count_of(_activated, "contract_ref"),
    "signatures": _count_of(_signed, "contract_ref"),
    "terminations": _count_of(_ended, "contract_ref"),
    "churn_rate": _churn_rate,
    "yearly_volume_activated": _sum_of(_activated, "yearly_volume_milli", 1000, "contract_ref"),
    "volume_billed": _sum_of(_billed, "volume_milli", 1000, "billing_ref"),
    "kwh_billed": _sum_of(_billed, "volume_milli", 1000, "billing_ref", ELECTRICITY),
    "smc_billed": _sum_of(_billed, "volume_milli", 1000, "billing_ref", GAS),
    "amount_billed": _sum_of(_billed, "amount_cents", 100, "billing_ref"),
    "fixed_fee_billed": _sum_of(_billed, "fixed_fee_cents", 100, "billing_ref"),
    "jobs": _count_of(_jobs, "order_ref"),
    "jobs_within_sla": _count_of(_jobs, "order_ref", within_sla()),
    "sla_rate": _rate_of(_jobs, "order_ref", within_sla()),
    "first_time_fix_rate": _rate_of(_jobs, "order_ref", pl.col("first_time_fix").fill_null(False)),
}
assert set(LIBRARY) == set(METRICS), "the metric library and the catalogue must name the same metrics"


def measure(run: Run, name: str, filter_: Filter = EVERYTHING) -> pl.DataFrame:
    """Return (partner_id, numerator, denominator, sources) of metric ``name`` for the run's period."""
    return LIBRARY[name](run, filter_)


def values(measured: pl.DataFrame) -> dict[int, Fraction]:
    """Return the measured values per partner as exact fractions."""
    return {
        partner: Fraction(numerator, denominator)
        for partner, numerator, denominator in measured.select("partner_id", "numerator", "denominator").iter_rows()
    }
