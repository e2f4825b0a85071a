"""The run: the period being calculated, its validated inputs, earlier lines, and the joined views that the
stages share (each built once, on first use)."""

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import polars as pl

from calc.credit import expand_assignments
from calc.credit import partners_in_period
from calc.credit import plan_assignments
from calc.inputs import RunInputs
from calc.inputs import next_month
from calc.plan.model import Plan

CONTRACT_VIEW = (
    "contract_id",
    "contract_ref",
    "partner_id",
    "product",
    "offer",
    "options",
    "category",
    "segment",
    "territory",
    "status",
    "status_reason",
    "signed_on",
    "activated_on",
    "terminated_on",
)


@dataclass(frozen=True)
class Run:
    """One calculation of one period (a calendar month, given by its first day)."""

    period: date
    inputs: RunInputs
    prior_lines: pl.DataFrame

    @property
    def period_end(self) -> date:
        """Return the first day after the period (exclusive end)."""
        return next_month(self.period)

    @cached_property
    def partner_kinds(self) -> pl.DataFrame:
        """Return partner_id with partner_kind and partner_territory."""
        return self.inputs.partners.select(
            "partner_id", pl.col("kind").alias("partner_kind"), pl.col("territory").alias("partner_territory")
        )

    @cached_property
    def contracts(self) -> pl.DataFrame:
        """Return contracts with the seller's kind."""
        return self.inputs.contracts.join(self.partner_kinds, on="partner_id", how="left")

    @cached_property
    def billing(self) -> pl.DataFrame:
        """Return the billing lines of the period with their contract's fields and seller."""
        bills = self.inputs.billing_lines.filter(pl.col("period") == self.period)
        view = self.contracts.select(*CONTRACT_VIEW, "partner_kind")
        return bills.join(view, on="contract_ref", how="inner")

    @cached_property
    def paid_bills(self) -> pl.DataFrame:
        """Return (contract_ref, billing_ref) of every bill paid before the end of the period."""
        return self.inputs.billing_lines.filter(
            pl.col("paid") & (pl.col("paid_on").is_null() | (pl.col("paid_on") < self.period_end))
        ).select("contract_ref", "billing_ref")

    @cached_property
    def orders(self) -> pl.DataFrame:
        """Return the service orders completed (or closed) in the period, with the partner's kind and territory."""
        closed = self.inputs.service_orders.filter(
            (pl.col("completed_at").dt.date() >= self.period) & (pl.col("completed_at").dt.date() < self.period_end)
        )
        return closed.join(self.partner_kinds, on="partner_id", how="left").with_columns(
            pl.col("partner_territory").alias("territory")
        )

    @cached_property
    def assignments(self) -> pl.DataFrame:
        """Return assignments one row per partner."""
        return expand_assignments(self.inputs.assignments, self.inputs.partners)

    def assigned(self, plan: Plan) -> pl.DataFrame:
        """Return (partner_id, valid_from, valid_to) of the partners on ``plan``."""
        return plan_assignments(self.assignments, plan)

    def members(self, plan: Plan) -> pl.DataFrame:
        """Return the partners on ``plan`` during the period, with ``assigned_from``."""
        return partners_in_period(self.assignments, plan, self.period, self.period_end)
