"""The cycle's services: the data-quality checks, the start variables from the settings, starting a cycle,
validating a period, and the comparison with the previous period."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy import update

import workflows
from app.extensions import db
from app.models import BillingLine
from app.models import CommissionPeriod
from app.models import Contract
from app.models import FiscalProfile
from app.models import PeriodStatus
from app.models import User
from app.services import cycle
from app.services import cycle_quality
from app.services import settings
from app.services.calculation import runner
from tests.app.inbox.conftest import planned  # noqa: F401

FEBRUARY = date(2026, 2, 1)


def _user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def test_clean_data_has_no_issues(network):
    assert cycle_quality.check(db.session, FEBRUARY) == {"blocking_issues": 0, "warnings": 0}
    assert cycle_quality.issues(db.session, "2026-02") == []


def test_every_check_finds_its_rows_and_a_new_check_replaces_them(network):
    contract = db.session.get(Contract, network.contracts["C-A1"])  # (activation before signature: the
    # database refuses it with a check constraint too, so that check only guards data loaded around it)
    db.session.add(Contract(external_id="C-B1", version=2, is_current=True, customer_id=contract.customer_id,
                            partner_id=network.partners["B1"], product_code="ELE", offer_code="ELE-FIX",
                            status=contract.status, signed_on=date(2024, 6, 1)))  # second current version
    db.session.add(BillingLine(external_id="BL-X", contract_external_id="C-NONE", period_start=FEBRUARY,
                               period_end=date(2026, 2, 28), volume=Decimal("1.000"), amount_billed=Decimal("1.00"),
                               fixed_fee_billed=Decimal("0.00")))
    db.session.execute(update(FiscalProfile).where(FiscalProfile.partner_id == network.partners["A1A"])
                       .values(valid_to=date(2026, 2, 1)))
    db.session.commit()
    counts = cycle_quality.check(db.session, FEBRUARY, instance_id=None)
    found = {(i.kind, i.ref) for i in cycle_quality.issues(db.session, "2026-02")}
    assert found == {
        ("duplicate_current_contract", "C-B1"),
        ("billing_line_without_contract", "BL-X"),
        ("no_fiscal_profile", "A1A"),
        ("offer_not_valid_at_signature", "C-B1"),  # the offer starts in 2025, the new version was signed in 2024
    }
    assert counts == {"blocking_issues": 3, "warnings": 1}
    db.session.execute(update(BillingLine).where(BillingLine.external_id == "BL-X").values(is_current=False))
    assert cycle_quality.check(db.session, FEBRUARY)["blocking_issues"] == 2
    assert len(cycle_quality.issues(db.session, "2026-02")) == 3


def test_start_variables_come_from_the_dated_settings(network):
    settings.set_value(db.session, None, "dispute_window_days", date(2026, 1, 1), 15)
    assert cycle.cycle_variables(db.session, FEBRUARY) == {
        "dispute_window": "P15D", "resolution_sla": "P5D", "review_deadline": "2026-04-21T18:00:00"}


def test_start_cycle_once_per_period_by_the_back_office(network):
    with pytest.raises(cycle.CycleError):
        cycle.start_cycle(db.session, _user("finance"), FEBRUARY)
    info = cycle.start_cycle(db.session, _user("backoffice"), FEBRUARY)
    assert (info.business_key, info.period, info.process_id) == ("2026-02", "2026-02", "commission_cycle")
    [task] = workflows.ready_tasks(db.session, instance_id=info.id)
    assert task.bpmn_id == "load_data" and workflows.task_data(db.session, task.id)["dispute_window"] == "P10D"
    with pytest.raises(cycle.CycleError):
        cycle.start_cycle(db.session, _user("admin"), FEBRUARY)


def test_validate_period_needs_a_calculation_and_an_open_period(planned):  # noqa: F811
    backoffice = _user("backoffice")
    with pytest.raises(cycle.CycleError):
        cycle.validate_period(db.session, backoffice, FEBRUARY)
    runner.run_period(db.session, None, FEBRUARY)
    period = cycle.validate_period(db.session, backoffice, FEBRUARY)
    assert period.status == PeriodStatus.VALIDATED and period.validated_by == backoffice.id
    with pytest.raises(cycle.CycleError):
        cycle.validate_period(db.session, backoffice, FEBRUARY)


def test_calculation_result_compares_with_the_previous_period(planned):  # noqa: F811
    january = runner.run_period(db.session, None, date(2026, 1, 1))
    march_bills = [BillingLine(external_id=f"BL-{code}-2026-03", contract_external_id=code,
                               period_start=date(2026, 3, 1), period_end=date(2026, 3, 31),
                               volume=Decimal("2315.000") if code == "C-A1" else Decimal("231.500"),
                               amount_billed=Decimal("61.35"), fixed_fee_billed=Decimal("12.00"))
                   for code in ("C-A1", "C-A1A", "C-B1")]
    db.session.add_all(march_bills)
    runner.run_period(db.session, None, FEBRUARY)
    db.session.commit()
    instance = workflows.ProcessInstanceInfo(
        id=0, process_id="commission_cycle", business_key="2026-03", period="2026-03", partner_id=None,
        status="running", version=1, definition_id=0, next_timer_at=None, error_message=None, error_task=None,
        created_by=None, created_at=None, updated_at=None, completed_at=None)
    result = cycle.run_calculation(db.session, instance, {"period": "2026-03"})
    february = db.session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == FEBRUARY))
    assert result["previous_run_id"] == february.current_run_id != january.run_id
    assert result["previous_total"] == Decimal("162.97")
    # March: no activations (no one-off 50.00), consumption only: A1 9.26, A1A 0.93, B1 0.93; AGA 0.93, AGB 0.09
    assert result["total"] == Decimal("12.14")
    assert result["change_percent"] == Decimal("-92.6")
    flagged = {a.partner.code: a for a in cycle.anomalies(db.session, result["calculation_run_id"],
                                                          result["previous_run_id"])}
    assert set(flagged) == {"A1", "A1A", "B1", "AGA", "AGB"}
    assert flagged["A1"].before == Decimal("50.93") and flagged["A1"].after == Decimal("9.26")
