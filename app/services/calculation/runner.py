"""Running the calculation of a period: read inputs, call ``calc``, write lines with lineage, in one transaction.

The caller owns the transaction: a run that fails or is killed leaves nothing half-written. A rerun on the
same inputs (same source row versions, same plan versions, same earlier lines) is recognised by its
fingerprint and returns the existing run instead of a new version.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from decimal import Decimal

import polars as pl
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.run import CalculationRun
from app.models.run import CommissionPeriod
from app.models.run import RunStatus
from app.services import audit
from app.services import plans as stored_plans
from app.services.calculation import inputs as run_inputs
from app.services.calculation import lines as stored_lines
from app.services.calculation import retro
from calc.inputs import RunInputs
from calc.inputs import next_month
from calc.money import from_cents
from calc.pipeline import calculate
from calc.pipeline import with_deltas

Progress = Callable[[int, str], None]


class CalculationError(RuntimeError):
    """A period that cannot be calculated (locked, bad period, bad inputs)."""


@dataclass(frozen=True)
class RunOutcome:
    """What a run produced, for the CLI, the job runner and the pages."""

    run_id: int
    period: date
    version: int
    reused: bool
    transactions: int
    line_count: int
    total: Decimal
    deltas: int


def _quiet(_percent: int, _message: str) -> None:
    return None


def period_of(session: Session, month: date) -> CommissionPeriod:
    """Return the period of ``month``, creating it open."""
    if month.day != 1:
        raise CalculationError(f"period: {month.isoformat()} is not the first day of a month")
    period = session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == month))
    if period is None:
        period = CommissionPeriod(month=month)
        session.add(period)
        session.flush()
    return period


def plans_for(session: Session):
    """Return a function giving the plan documents in force during a month."""
    def documents(month: date):
        versions = stored_plans.published_versions(session, month, next_month(month))
        return [stored_plans.document_of(v) for v in versions]
    return documents


def fingerprint(inputs: RunInputs, plan_keys: list[str], prior_runs: list[int]) -> str:
    """Return a digest of what a run reads: the version rows used, the plan versions and the earlier runs
    (runs never change once written, so their ids stand for their lines)."""
    digest = hashlib.sha256()
    for name, column in (("contracts", "contract_id"), ("billing_lines", "billing_line_id"),
                         ("service_orders", "service_order_id"), ("hierarchy", "partner_id"),
                         ("partners", "partner_id")):
        frame = getattr(inputs, name)
        digest.update(name.encode())
        digest.update(frame.select(pl.col(column).sort().cast(pl.String).str.join(",")).item().encode())
    digest.update(inputs.hierarchy.sort("partner_id", "valid_from").write_csv().encode())
    digest.update(inputs.assignments.sort("plan_id", "plan_version", "valid_from").write_csv().encode())
    digest.update(inputs.targets.sort("partner_id", "kpi").write_csv().encode())
    digest.update("|".join(sorted(plan_keys)).encode())
    digest.update(",".join(map(str, sorted(prior_runs))).encode())
    return digest.hexdigest()


def _transactions(inputs: RunInputs, month: date) -> int:
    billed = inputs.billing_lines.filter(pl.col("period") == month).height
    return inputs.contracts.height + billed + inputs.service_orders.height


def run_period(session: Session, user, month: date, progress: Progress = _quiet) -> RunOutcome:
    """Calculate ``month``; return the new run, or the existing one when nothing it reads has changed."""
    period = period_of(session, month)
    if period.locked:
        raise CalculationError(f"period {period.label} is approved and locked: corrections to it are booked "
                               "as deltas by the next open period's run")
    progress(5, "reading inputs")
    prior = stored_lines.before(session, month)
    progress(15, "earlier lines read")
    inputs = run_inputs.load(session, month, stored_lines.contracts_waiting(prior))
    versions = stored_plans.published_versions(session, month, next_month(month))
    documents = [stored_plans.document_of(v) for v in versions]
    progress(25, "inputs read")
    stamp = fingerprint(inputs, [f"{v.plan.code}:{v.version}:{v.sha256}" for v in versions],
                        stored_lines.current_runs_before(session, month))
    current = session.get(CalculationRun, period.current_run_id) if period.current_run_id else None
    if current is not None and current.inputs_sha256 == stamp:
        progress(100, "unchanged inputs: the current run stands")
        return _outcome(current, reused=True, deltas=0)

    progress(30, "computing")
    result = calculate(month, inputs, documents, prior)
    deltas = retro.delta_lines(session, month, plans_for(session), inputs)
    if deltas.height:
        result = with_deltas(result, deltas)

    progress(70, "writing lines")
    version = (session.scalar(select(func.max(CalculationRun.version)).where(
        CalculationRun.period_id == period.id)) or 0) + 1
    run = CalculationRun(period_id=period.id, version=version, status=RunStatus.RUNNING, inputs_sha256=stamp,
                         started_by=getattr(user, "id", None), started_at=datetime.now(UTC))
    session.add(run)
    session.flush()
    run.line_count = stored_lines.write(session, run.id, result.lines)
    run.transactions = _transactions(inputs, month)
    run.total = from_cents(int(result.lines.get_column("amount_cents").sum() or 0))
    run.status, run.progress, run.finished_at = RunStatus.SUCCEEDED, 100, datetime.now(UTC)
    if current is not None:
        current.status = RunStatus.SUPERSEDED
    period.current_run_id = run.id
    audit.record(session, user, "calculation.run", "commission_period", period.id, after={
        "period": period.label, "run": run.id, "version": version, "lines": run.line_count,
        "total": run.total, "deltas": deltas.height, "inputs_sha256": stamp})
    progress(100, "done")
    return _outcome(run, reused=False, deltas=deltas.height)


def _outcome(run: CalculationRun, reused: bool, deltas: int) -> RunOutcome:
    return RunOutcome(run_id=run.id, period=run.period.month, version=run.version, reused=reused,
                      transactions=run.transactions, line_count=run.line_count, total=run.total or Decimal("0.00"),
                      deltas=deltas)


def record_failure(session: Session, user, month: date, error: Exception) -> None:
    """Record a failed run (after the failed transaction was rolled back) so the failure is visible."""
    period = period_of(session, month)
    version = (session.scalar(select(func.max(CalculationRun.version)).where(
        CalculationRun.period_id == period.id)) or 0) + 1
    session.add(CalculationRun(period_id=period.id, version=version, status=RunStatus.FAILED,
                               error=f"{type(error).__name__}: {error}", started_by=getattr(user, "id", None),
                               finished_at=datetime.now(UTC)))
    audit.record(session, user, "calculation.failed", "commission_period", period.id,
                 after={"period": period.label, "error": str(error)[:500]})
