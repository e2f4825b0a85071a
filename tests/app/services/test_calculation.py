"""Calculation runs against a real database: inputs read set-based, lines written with lineage, idempotent
reruns, new versions after a correction, and retro deltas for a locked period."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import BillingLine
from app.models import CalculationRun
from app.models import CommissionLine
from app.models import CommissionPeriod
from app.models import PeriodStatus
from app.models import Plan
from app.models import RunStatus
from app.services import plans
from app.services.calculation import runner
from tests.factories import publish_test_plans

FEBRUARY = date(2026, 2, 1)
MARCH = date(2026, 3, 1)



@pytest.fixture
def planned(app, network):
    publish_test_plans(db.session)
    return network


def _totals(run_id: int) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = {}
    for line in db.session.scalars(select(CommissionLine).where(CommissionLine.run_id == run_id)):
        totals[line.partner_id] = totals.get(line.partner_id, Decimal("0")) + line.amount
    return totals


def test_run_writes_lines_with_exact_amounts_and_lineage(planned):
    outcome = runner.run_period(db.session, None, FEBRUARY)
    db.session.commit()
    p = planned.partners
    totals = _totals(outcome.run_id)
    # one-off 50.00 + 231.500 kWh x 0.004 = 0.926 -> 0.93 per seller
    assert totals[p["A1"]] == totals[p["A1A"]] == totals[p["B1"]] == Decimal("50.93")
    # the agency earns 10% of each level-1 line: 5.00 + 0.09 (A1A is level 2 for AGA: no share)
    assert totals[p["AGA"]] == Decimal("5.09")
    assert totals[p["AGB"]] == Decimal("5.09")
    # 3 sellers x 2 lines, and each agency 2 override lines (one per level-1 line)
    assert outcome.total == Decimal("162.97") and outcome.line_count == 10
    assert outcome.transactions == 6  # 3 contracts + 3 bills
    recurring = db.session.scalar(select(CommissionLine).where(
        CommissionLine.run_id == outcome.run_id, CommissionLine.component_id == "consumption",
        CommissionLine.partner_id == p["A1"]))
    bill = db.session.scalar(select(BillingLine).where(BillingLine.contract_external_id == "C-A1"))
    assert recurring.source_id == bill.id and recurring.contract_ref == "C-A1"
    assert recurring.plan_code == "agents-test" and recurring.plan_version == 1
    assert recurring.rate == "0.004" and recurring.amount == Decimal("0.93")


def test_rerun_on_unchanged_inputs_is_idempotent(planned):
    first = runner.run_period(db.session, None, FEBRUARY)
    db.session.commit()
    again = runner.run_period(db.session, None, FEBRUARY)
    db.session.commit()
    assert again.reused and again.run_id == first.run_id
    assert db.session.query(CalculationRun).count() == 1


def test_corrected_billing_line_gives_a_new_version(planned):
    first = runner.run_period(db.session, None, FEBRUARY)
    db.session.commit()
    _correct_bill("C-A1", Decimal("500.000"))
    second = runner.run_period(db.session, None, FEBRUARY)
    db.session.commit()
    assert not second.reused and second.version == 2
    assert db.session.get(CalculationRun, first.run_id).status == RunStatus.SUPERSEDED
    assert _totals(second.run_id)[planned.partners["A1"]] == Decimal("52.00")
    assert _totals(first.run_id)[planned.partners["A1"]] == Decimal("50.93")


def test_locked_period_is_refused_and_corrected_by_deltas(planned):
    runner.run_period(db.session, None, FEBRUARY)
    period = db.session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == FEBRUARY))
    period.status, period.approved_at = PeriodStatus.APPROVED, db.func.now()
    db.session.commit()
    with pytest.raises(runner.CalculationError, match="locked"):
        runner.run_period(db.session, None, FEBRUARY)
    db.session.rollback()
    _correct_bill("C-A1", Decimal("500.000"))
    march = runner.run_period(db.session, None, MARCH)
    db.session.commit()
    deltas = db.session.scalars(select(CommissionLine).where(
        CommissionLine.run_id == march.run_id, CommissionLine.line_kind == "delta")).all()
    by_partner = {(d.partner_id, d.component_id): d.amount for d in deltas}
    # 500 kWh x 0.004 = 2.00 instead of 0.93: +1.07 for the agent, its agency +0.11 (0.20 - 0.09)
    assert by_partner == {(planned.partners["A1"], "consumption"): Decimal("1.07"),
                          (planned.partners["AGA"], "override"): Decimal("0.11")}
    assert all(d.original_line_key.endswith("|2026-02-01") for d in deltas)


def test_plan_yaml_round_trip_and_idempotent_import(planned):
    text = plans.export_yaml(db.session, "agents-test")
    version, changed = plans.import_yaml(db.session, None, text)
    assert not changed and version.version == 1
    assert db.session.scalar(select(Plan).where(Plan.code == "agents-test")).versions[0].sha256 == version.sha256


def _correct_bill(contract_ref: str, volume: Decimal) -> None:
    old = db.session.scalar(select(BillingLine).where(
        BillingLine.contract_external_id == contract_ref, BillingLine.is_current))
    old.is_current = False
    db.session.add(BillingLine(external_id=old.external_id, version=old.version + 1, contract_external_id=contract_ref,
                               period_start=old.period_start, period_end=old.period_end, volume=volume,
                               amount_billed=old.amount_billed, fixed_fee_billed=old.fixed_fee_billed,
                               paid=old.paid, paid_on=old.paid_on))
    db.session.commit()
