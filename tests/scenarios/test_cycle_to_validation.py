"""A period from loading data to a validated calculation, driven through the pages by the people who do it:
the back-office starts the cycle and loads data, the data-quality check blocks on a bill without a contract,
the data is fixed, the calculation runs in the background, the back-office sends it back once and then
validates it; the statements are published and one review per partner starts."""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy import update

import workflows
from app.extensions import db
from app.models import AuditEntry
from app.models import BillingLine
from app.models import CommissionPeriod
from app.models import PeriodStatus
from app.models import Statement
from tests.app.inbox.conftest import MONTH
from tests.app.inbox.conftest import PERIOD
from tests.app.inbox.conftest import run_jobs


def _bill_without_contract() -> None:
    db.session.add(BillingLine(external_id="BL-ORPHAN-2026-02", contract_external_id="C-MISSING",
                               period_start=MONTH, period_end=MONTH.replace(day=28), volume=Decimal("10.000"),
                               amount_billed=Decimal("3.00"), fixed_fee_billed=Decimal("1.00")))
    db.session.commit()


def test_from_load_data_to_validated_calculation(planned, actor, traveller):
    _bill_without_contract()
    backoffice = actor("backoffice")

    # the back-office starts the cycle of February
    response = backoffice.post("/inbox/start", {"month": PERIOD})
    assert response.status_code == 303 and response.headers["Location"].endswith("/inbox/")
    cycle = workflows.find_instance(db.session, "commission_cycle", PERIOD)
    assert cycle.period == PERIOD
    assert backoffice.post("/inbox/start", {"month": PERIOD}).status_code == 422  # one cycle per period

    inbox = backoffice.get("/inbox/").get_data(as_text=True)
    assert "Load data" in inbox or "Carica" in inbox
    load = backoffice.task("load_data")
    page = backoffice.get(f"/inbox/tasks/{load.id}")
    assert page.status_code == 200 and "/imports/" in page.get_data(as_text=True)

    # loading is done: the check finds the orphan bill and blocks
    response = backoffice.complete("load_data", {"note": "February files imported"})
    assert response.status_code == 303
    fix = backoffice.task("fix_data")
    assert workflows.task_data(db.session, fix.id)["blocking_issues"] == 1
    page = backoffice.get(f"/inbox/tasks/{fix.id}").get_data(as_text=True)
    assert "billing_line_without_contract" in page and "BL-ORPHAN-2026-02" in page

    # fixing the data: the orphan bill is withdrawn; the check passes and the calculation is queued
    db.session.execute(update(BillingLine).where(BillingLine.external_id == "BL-ORPHAN-2026-02")
                       .values(is_current=False))
    db.session.commit()
    assert backoffice.complete("fix_data", {"note": "orphan bill withdrawn"}).status_code == 303
    [job] = workflows.jobs_for_instance(db.session, cycle.id)
    assert job.operation == "run_calculation" and job.status == "queued"
    assert backoffice.tasks() == []
    assert [j.status for j in run_jobs()] == ["done"]

    # the validation page shows the run's totals; the back-office sends it back once
    validate = backoffice.task("validate_calculation")
    data = workflows.task_data(db.session, validate.id)
    assert data["total"] == Decimal("162.97") and data["line_count"] == 10
    page = backoffice.get(f"/inbox/tasks/{validate.id}").get_data(as_text=True)
    assert "162,97" in page or "162.97" in page
    response = backoffice.post(f"/inbox/tasks/{validate.id}", {"validation": "send_back"})
    assert response.status_code == 422 and 'id="task-form"' in response.get_data(as_text=True)  # no reason
    response = backoffice.post(f"/inbox/tasks/{validate.id}", {"validation": "send_back", "reason": "tariffs"})
    assert response.status_code == 303
    period = db.session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == MONTH))
    assert period.status == PeriodStatus.OPEN

    # back to loading data; the check passes at once, the unchanged inputs give the same run
    backoffice.complete("load_data")
    run_jobs()
    assert backoffice.complete("validate_calculation", {"validation": "approve"}).status_code == 303

    db.session.expire_all()
    period = db.session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == MONTH))
    assert period.status == PeriodStatus.VALIDATED and period.validated_by == backoffice.user_id
    assert period.validated_at is not None
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "period.validated")) is not None

    statements = db.session.scalars(select(Statement).where(Statement.period_id == period.id)).all()
    reviews = workflows.list_instances(db.session, process_id="statement_review", period=PERIOD)
    assert len(reviews) == len(statements) == 5
    assert {r.business_key for r in reviews} == {f"{PERIOD}/partner-{s.partner_id}" for s in statements}
    cycle = workflows.get_instance(db.session, cycle.id)
    assert cycle.status == "waiting"
    agente = actor("agente")
    assert agente.task("review_statement").business_key == f"{PERIOD}/partner-{planned.partners['A1']}"
