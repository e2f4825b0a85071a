"""The commission cycle of a period: starting it, the operations its BPMN service tasks call, and validation.

``register_operations`` makes ``data_quality_check``, ``run_calculation`` (in the background, with progress) and
``publish_statements`` callable from ``bpmn/commission_cycle.bpmn``, with the invoicing operations of
``app.services.batches.operations`` (``build_invoice_batch``, ``issue_invoices``, ``export_accounting``).
Operations receive the ``ProcessInstanceInfo`` and the task data, and return ids, counts and decisions only.
"""

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

import workflows
from app.models import CalculationRun
from app.models import CommissionPeriod
from app.models import PeriodStatus
from app.models import Role
from app.models import User
from app.services import audit
from app.services import cycle_quality
from app.services import settings
from app.services.batches import operations as batch_operations
from app.services.calculation import results
from app.services.calculation import runner
from app.services.disputes import carrying
from app.services.statements import publishing
from calc.inputs import months_before
from calc.inputs import next_month
from calc.inputs import period_from_text
from workflows import clock

CYCLE = "commission_cycle"
REVIEW = "statement_review"
STARTERS = (Role.ADMIN, Role.BACKOFFICE)
ANOMALY_PERCENT = Decimal("20")
ZERO = Decimal("0.00")


class CycleError(RuntimeError):
    """A cycle that cannot be started or a step that cannot be taken (wrong role, period already running)."""


def register_operations() -> None:
    """Make the cycle's operations callable from service tasks."""
    workflows.register_operation("data_quality_check", data_quality_check)
    workflows.register_operation("run_calculation", run_calculation, background=True)
    workflows.register_operation("publish_statements", publish_statements)
    workflows.register_operation("carry_open_disputes", carrying.carry_open_disputes)
    batch_operations.register()


def cycle_variables(session: Session, month: date) -> dict:
    """Return the variables a cycle starts with: dispute window and resolution SLA as ISO durations, and the
    moment the cycle stops waiting for reviews (both windows after the end of the following month, 18:00 UTC)."""
    last_day = next_month(month) - timedelta(days=1)
    window = int(settings.value_on(session, "dispute_window_days", last_day))
    sla = int(settings.value_on(session, "resolution_sla_days", last_day))
    deadline = datetime.combine(next_month(next_month(month)) + timedelta(days=window + sla), time(18))
    return {"dispute_window": f"P{window}D", "resolution_sla": f"P{sla}D",
            "review_deadline": deadline.isoformat(timespec="seconds")}


def start_cycle(session: Session, user, month: date,
                variables: dict | None = None) -> workflows.ProcessInstanceInfo:
    """Start the commission cycle of ``month`` (back-office or admin); one cycle per period.

    ``variables`` override those of ``cycle_variables`` (the demo seed closes its dispute windows in seconds).
    """
    if user is None or not user.has_role(*STARTERS):
        raise CycleError("only the back-office or an admin starts a cycle")
    period = f"{month:%Y-%m}"
    if workflows.find_instance(session, CYCLE, period) is not None:
        raise CycleError(f"the cycle of {period} is already started")
    info = workflows.start(session, CYCLE, business_key=period, period=period,
                           variables=cycle_variables(session, month) | (variables or {}), user=user)
    audit.record(session, user, "cycle.started", "process_instance", info.id, after={"period": period},
                 summary=f"commission cycle {period} started")
    return info


def _actor(session: Session, instance) -> User | None:
    return session.get(User, instance.created_by) if instance.created_by else None


def data_quality_check(session: Session, instance, data: dict) -> dict:
    """Check the period's source data; store the issues for the "fix data" page; return the counts."""
    return cycle_quality.check(session, period_from_text(data["period"]), instance.id)


def run_calculation(session: Session, instance, data: dict) -> dict:
    """Calculate the period (a background job reporting progress); return the run and its comparison."""
    month = period_from_text(data["period"])
    outcome = runner.run_period(session, _actor(session, instance), month, progress=workflows.report_progress)
    previous = previous_run(session, month)
    result = {"calculation_run_id": outcome.run_id, "run_version": outcome.version, "total": outcome.total,
              "line_count": outcome.line_count, "transactions": outcome.transactions,
              "previous_run_id": previous.id if previous else None,
              "previous_total": previous.total if previous else None}
    result["change_percent"] = percent_change(result["previous_total"], outcome.total)
    return result


def publish_statements(session: Session, instance, data: dict) -> dict:
    """Publish the validated period's statements and start one statement review per partner."""
    statements = publishing.publish(session, _actor(session, instance), period_from_text(data["period"]))
    for statement in statements:
        workflows.start(session, REVIEW, business_key=f"{data['period']}/partner-{statement.partner_id}",
                        period=data["period"], partner_id=statement.partner_id,
                        variables={"dispute_window": data["dispute_window"],
                                   "resolution_sla": data["resolution_sla"], "statement_id": statement.id})
    return {"review_count": len(statements)}


def validate_period(session: Session, user, month: date) -> CommissionPeriod:
    """Mark the period's calculation validated by ``user`` (audited)."""
    period = session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == month))
    if period is None or period.current_run_id is None:
        raise CycleError(f"period {month:%Y-%m} has no calculation to validate")
    if period.status != PeriodStatus.OPEN:
        raise CycleError(f"period {period.label} is {period.status.value}, not open")
    period.status, period.validated_by, period.validated_at = PeriodStatus.VALIDATED, user.id, clock.now()
    audit.record(session, user, "period.validated", "commission_period", period.id,
                 before={"status": "open"}, after={"status": "validated", "run": period.current_run_id},
                 summary=f"calculation of {period.label} validated")
    return period


def complete(session: Session, user, task: workflows.HumanTaskInfo, data: dict) -> workflows.ProcessInstanceInfo:
    """Complete a task with its form data; approving a calculation first validates the period."""
    is_open = workflows.get_task(session, task.id).status == "open"
    approving = task.bpmn_id == "validate_calculation" and data.get("validation") == "approve"
    if approving and is_open:
        # validated before the task completes: publishing (run on completion) needs a validated period; if the
        # completion is refused, the caller rolls back both
        validate_period(session, user, period_from_text(task.period))
    if task.bpmn_id == "finance_approval" and is_open:
        # finance's decision (segregation of duties checked) before the cycle goes on to issue or to rework
        batch_operations.decide(session, user, workflows.task_data(session, task.id), data.get("approval"),
                                data.get("reason"))
    if task.bpmn_id == "rework_batch":
        data = {**data, "reworked_by": user.id}  # the preparer of the rebuilt batch, who cannot approve it
    return workflows.complete_task(session, task.id, user, data)


def previous_run(session: Session, month: date) -> CalculationRun | None:
    """Return the current run of the month before ``month``, if calculated."""
    return results.run_of(session, results.period_of(session, months_before(month, 1)))


def percent_change(before: Decimal | None, after: Decimal | None) -> Decimal | None:
    """Return the change from ``before`` to ``after`` in percent (one decimal), None without a base."""
    if before is None or after is None or before == 0:
        return None
    return ((after - before) * 100 / abs(before)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Anomaly:
    """A partner whose total moved more than the threshold against the previous period."""

    partner: object
    before: Decimal
    after: Decimal
    change_percent: Decimal | None


def anomalies(session: Session, run_id: int | None, previous_id: int | None,
              threshold: Decimal = ANOMALY_PERCENT) -> list[Anomaly]:
    """Return the partners whose total moved more than ``threshold`` percent (new partners included)."""
    if run_id is None or previous_id is None:
        return []
    run, previous = session.get(CalculationRun, run_id), session.get(CalculationRun, previous_id)
    flagged = []
    for row in results.differences(session, previous, run):
        change = percent_change(row.before, row.after)
        if change is None or abs(change) > threshold:
            flagged.append(Anomaly(row.partner, row.before, row.after, change))
    return flagged
