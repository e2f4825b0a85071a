"""Retro recalculation: approved periods whose data or plan was corrected are recomputed, and the difference
is booked as delta lines in the period being run. Nothing approved is rewritten.

Partners, hierarchy and contracts are the current network, the same whatever the period: they are read once
for all the corrected periods. Each period's bills, service orders, targets, assignments and earlier lines are
read for that period.
"""

from datetime import date

import polars as pl
from sqlalchemy import exists
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import BillingLine
from app.models import Contract
from app.models import ServiceOrder
from app.models.plan import PlanVersion
from app.models.run import CommissionLine
from app.models.run import CommissionPeriod
from app.models.run import PeriodStatus
from app.services.calculation import inputs as run_inputs
from app.services.calculation import lines as stored_lines
from calc.inputs import RunInputs
from calc.inputs import months_before
from calc.lineage import empty_lines
from calc.pipeline import recalculate
from calc.plan import Plan as PlanDocument

LOOKBACK_MONTHS = 12


def corrected_periods(session: Session, month: date) -> list[CommissionPeriod]:
    """Return the approved periods before ``month`` whose lines used data that has since changed, or whose plan
    got a version published after their approval."""
    superseded = or_(
        exists().where(Contract.id == CommissionLine.contract_id, Contract.is_current.is_(False)),
        exists().where(CommissionLine.source_kind == "billing_line", BillingLine.id == CommissionLine.source_id,
                       BillingLine.is_current.is_(False)),
        exists().where(CommissionLine.source_kind == "service_order", ServiceOrder.id == CommissionLine.source_id,
                       ServiceOrder.is_current.is_(False)),
    )
    data_changed = exists().where(CommissionLine.run_id == CommissionPeriod.current_run_id, superseded)
    plan_changed = exists().where(
        PlanVersion.published_at > CommissionPeriod.approved_at, PlanVersion.valid_from <= CommissionPeriod.month,
        or_(PlanVersion.valid_to.is_(None), PlanVersion.valid_to > CommissionPeriod.month))
    return list(session.scalars(select(CommissionPeriod).where(
        CommissionPeriod.status == PeriodStatus.APPROVED, CommissionPeriod.month < month,
        CommissionPeriod.month >= months_before(month, LOOKBACK_MONTHS),
        or_(data_changed, plan_changed)).order_by(CommissionPeriod.month)))


def booked_corrections(session: Session, corrected: date, month: date) -> pl.DataFrame:
    """Return delta lines already booked against ``corrected`` in the current runs of other periods."""
    runs = select(CommissionPeriod.current_run_id).where(
        CommissionPeriod.month != month, CommissionPeriod.current_run_id.is_not(None))
    query = select(*stored_lines.line_columns(CommissionLine)).where(
        CommissionLine.run_id.in_(runs), CommissionLine.line_kind == "delta",
        CommissionLine.original_line_key.like(f"%|{corrected.isoformat()}"))
    return stored_lines.read_frame(session, query, stored_lines.LINE_SCHEMA)


def delta_lines(session: Session, month: date, plans_for, network: RunInputs | None = None) -> pl.DataFrame:
    """Return the delta lines to book in ``month`` for every corrected approved period.

    ``network`` gives partners, hierarchy and contracts already read by the caller (the run of ``month`` reads
    the same ones); without it they are read here, once, when a period needs correcting.
    """
    frames = []
    for period in corrected_periods(session, month):
        prior = stored_lines.before(session, period.month)
        inputs = run_inputs.load(session, period.month, stored_lines.contracts_waiting(prior), network)
        network = inputs  # the network read for the first corrected period serves the others
        approved = pl.concat([stored_lines.of_run(session, period.current_run_id),
                              booked_corrections(session, period.month, month)])
        plans: list[PlanDocument] = plans_for(period.month)
        frames.append(recalculate(period.month, month, inputs, plans, approved, prior))
    return pl.concat(frames) if frames else empty_lines()
