"""Retro recalculation of several corrected periods in one run: exact deltas for each, the network (partners,
hierarchy, contracts) read once for all of them and each period's own data read for that period."""

import re
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event
from sqlalchemy import select

from app.extensions import db
from app.models import BillingLine
from app.models import CommissionLine
from app.models import CommissionPeriod
from app.models import PeriodStatus
from app.services.calculation import frames
from app.services.calculation import inputs as run_inputs
from app.services.calculation import retro
from app.services.calculation import runner
from calc.inputs import RunInputs
from tests.factories import publish_test_plans

FEBRUARY, MARCH, APRIL = date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)
NETWORK_TABLES = ("partner", "partner_group_member", "partner_link", "contract")
PERIOD_TABLES = ("billing_line", "service_order", "target")


@pytest.fixture
def corrected(app, network):
    """February and March calculated and approved, then a bill of each corrected (C-A1: 500 and 1000 kWh)."""
    publish_test_plans(db.session)
    for code in network.contracts:
        db.session.add(BillingLine(external_id=f"BL-{code}-2026-03", contract_external_id=code,
                                   period_start=MARCH, period_end=date(2026, 3, 31), volume=Decimal("231.500"),
                                   amount_billed=Decimal("61.35"), fixed_fee_billed=Decimal("12.00"), paid=True,
                                   paid_on=date(2026, 4, 20)))
    db.session.commit()
    for month in (FEBRUARY, MARCH):
        runner.run_period(db.session, None, month)
        period = db.session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == month))
        period.status, period.approved_at = PeriodStatus.APPROVED, db.func.now()
        db.session.commit()
    _correct_bill("BL-C-A1-2026-02", Decimal("500.000"))
    _correct_bill("BL-C-A1-2026-03", Decimal("1000.000"))
    return network


def _correct_bill(external_id: str, volume: Decimal) -> None:
    old = db.session.scalar(select(BillingLine).where(BillingLine.external_id == external_id, BillingLine.is_current))
    old.is_current = False
    db.session.add(BillingLine(external_id=external_id, version=old.version + 1,
                               contract_external_id=old.contract_external_id, period_start=old.period_start,
                               period_end=old.period_end, volume=volume, amount_billed=old.amount_billed,
                               fixed_fee_billed=old.fixed_fee_billed, paid=old.paid, paid_on=old.paid_on))
    db.session.commit()


@pytest.fixture
def reads(monkeypatch):
    """Count the SELECTs by the table they read from: through SQLAlchemy and through PostgreSQL's COPY."""
    counted = Counter()

    def note(sql: str) -> None:
        table = re.search(r"\bFROM (\w+)", sql)
        if sql.lstrip().upper().startswith("SELECT") and table:
            counted[table.group(1)] += 1

    def statement(conn, cursor, sql, parameters, context, executemany):
        note(sql)

    copy_out = frames._copy_out

    def copied(session, query, schema):
        note(str(query))
        return copy_out(session, query, schema)

    monkeypatch.setattr(frames, "_copy_out", copied)
    event.listen(db.engine, "before_cursor_execute", statement)
    yield counted
    event.remove(db.engine, "before_cursor_execute", statement)


def test_a_run_correcting_two_periods_reads_the_network_once_in_all(corrected, reads):
    april = runner.run_period(db.session, None, APRIL)
    db.session.commit()
    deltas = db.session.scalars(select(CommissionLine).where(
        CommissionLine.run_id == april.run_id, CommissionLine.line_kind == "delta")).all()
    p = corrected.partners
    assert {(d.original_line_key.rsplit("|", 1)[1], d.partner_id, d.component_id): d.amount for d in deltas} == {
        # February: 500 kWh x 0.004 = 2.00 instead of 0.93; the agency's 10% 0.20 instead of 0.09
        ("2026-02-01", p["A1"], "consumption"): Decimal("1.07"), ("2026-02-01", p["AGA"], "override"): Decimal("0.11"),
        # March: 1000 kWh x 0.004 = 4.00 instead of 0.93; the agency's 10% 0.40 instead of 0.09
        ("2026-03-01", p["A1"], "consumption"): Decimal("3.07"), ("2026-03-01", p["AGA"], "override"): Decimal("0.31"),
    }
    # April's own inputs read the network once, and the two corrected periods use that same read...
    assert {table: reads[table] for table in NETWORK_TABLES} == dict.fromkeys(NETWORK_TABLES, 1)
    # ...while each month's own data is read for April and for each corrected period
    assert {table: reads[table] for table in PERIOD_TABLES} == dict.fromkeys(PERIOD_TABLES, 3)


def test_the_network_the_run_read_serves_the_corrections_too(corrected, reads):
    own = retro.delta_lines(db.session, APRIL, runner.plans_for(db.session))
    assert {table: reads[table] for table in NETWORK_TABLES} == dict.fromkeys(NETWORK_TABLES, 1)
    network = RunInputs(partners=run_inputs.partners(db.session), hierarchy=run_inputs.hierarchy(db.session),
                        contracts=run_inputs.contracts(db.session))
    reads.clear()
    given = retro.delta_lines(db.session, APRIL, runner.plans_for(db.session), network)
    assert {table: reads[table] for table in NETWORK_TABLES} == dict.fromkeys(NETWORK_TABLES, 0)
    assert {table: reads[table] for table in PERIOD_TABLES} == dict.fromkeys(PERIOD_TABLES, 2)
    assert own.height == 4
    assert given.sort("line_key").equals(own.sort("line_key"))


def test_nothing_to_correct_reads_no_network(corrected, reads):
    # no approved period before February: nothing to recalculate, nothing read for it
    assert retro.delta_lines(db.session, FEBRUARY, runner.plans_for(db.session)).is_empty()
    assert {table: reads[table] for table in NETWORK_TABLES + PERIOD_TABLES} == dict.fromkeys(
        NETWORK_TABLES + PERIOD_TABLES, 0)
