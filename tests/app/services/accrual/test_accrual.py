"""Accruals kept up to date event by event equal a full run on the same data: line by line, balance by balance."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event
from sqlalchemy import select

from app.extensions import db
from app.models import AccrualLine
from app.models import CommissionPeriod
from app.models import ContractStatus
from app.models import PeriodStatus
from app.services import accrual
from app.services import network as hierarchy
from tests.app.services.accrual.conftest import FEBRUARY
from tests.app.services.accrual.conftest import assert_equals_full_run
from tests.app.services.accrual.conftest import balances
from tests.app.services.accrual.conftest import bill
from tests.app.services.accrual.conftest import new_contract
from tests.app.services.accrual.conftest import new_version
from tests.app.services.accrual.conftest import partner_total


def test_rebuild_is_the_full_run(planned):
    accrual.rebuild(db.session, FEBRUARY)
    db.session.commit()
    assert_equals_full_run()
    p = planned.partners
    # A1: 50.00 activation; its bill is unpaid until March 20, so the recurring 0.93 is held;
    # gross 50.93 < 60.00, so the guarantee tops it up by 9.07
    assert balances()[p["A1"], "agents-accrual", "activation"] == (Decimal("50.00"), Decimal("0.00"), 1)
    assert balances()[p["A1"], "agents-accrual", "consumption"] == (Decimal("0.93"), Decimal("0.93"), 1)
    assert balances()[p["A1"], "agents-accrual", "limits"] == (Decimal("9.07"), Decimal("0.00"), 1)


def test_sequence_of_events_equals_a_full_run(planned):
    p = planned.partners
    accrual.rebuild(db.session, FEBRUARY)
    db.session.commit()

    new_contract("C-A1-2", p["A1"], date(2026, 2, 3))
    accrual.on_contract_event(db.session, ["C-A1-2"])
    assert_equals_full_run()

    new_version("C-A1-2", status=ContractStatus.ACTIVE, activated_on=date(2026, 2, 10))
    accrual.on_contract_event(db.session, ["C-A1-2"])
    assert_equals_full_run()
    # two activations reach the accelerator's first tier: 2 x 5.00
    assert balances()[p["A1"], "agents-accrual", "accelerator"] == (Decimal("10.00"), Decimal("0.00"), 1)

    new_version("C-A1", status=ContractStatus.CANCELLED, terminated_on=date(2026, 2, 20))
    accrual.on_contract_event(db.session, ["C-A1"])
    assert_equals_full_run()
    assert balances()[p["A1"], "agents-accrual", "storno"] == (Decimal("-50.00"), Decimal("0.00"), 1)

    bill("BL-C-A1A-2026-02-b", "C-A1A", "1000.000", paid=True, paid_on=date(2026, 2, 25))
    bill("BL-C-B1-2026-02", "C-B1", "500.000", paid=True, paid_on=date(2026, 2, 26))
    accrual.on_billing_lines(db.session, ["BL-C-A1A-2026-02-b", "BL-C-B1-2026-02"])
    assert_equals_full_run()

    hierarchy.move_partner(db.session, None, p["A1A"], p["B1"], date(2026, 2, 15))
    accrual.on_partner_moved(db.session, p["A1A"])
    assert_equals_full_run()

    new_contract("C-A1A-2", p["A1A"], date(2026, 2, 16), status=ContractStatus.ACTIVE,
                 activated_on=date(2026, 2, 20))
    accrual.on_contract_event(db.session, ["C-A1A-2"])
    db.session.commit()
    assert_equals_full_run()

    incremental = balances()
    accrual.rebuild(db.session, FEBRUARY)
    db.session.commit()
    assert balances() == incremental


def test_a_downline_sale_updates_the_upline(planned):
    p = planned.partners
    accrual.rebuild(db.session, FEBRUARY)
    db.session.commit()
    agency, agent = partner_total(p["AGA"]), partner_total(p["A1"])

    new_contract("C-A1A-3", p["A1A"], date(2026, 2, 2), status=ContractStatus.ACTIVE, activated_on=date(2026, 2, 5))
    outcome = accrual.on_contract_event(db.session, ["C-A1A-3"])
    db.session.commit()

    assert outcome.sellers == (p["A1A"],)
    assert {p["A1A"], p["A1"], p["AGA"]} <= set(outcome.partners)
    # the sub-agent's new 50.00 and its accelerator (2 x 5.00) give its agent 10 % and the agency 5 %:
    # the agent's override goes 5.09 -> 11.09 and its 10.00 guarantee is no longer needed (4.91 -> 0);
    # the agency's goes 7.64 -> 10.64, past its guarantee as well (2.36 -> 0)
    assert (agent, agency) == (Decimal("70.00"), Decimal("10.00"))
    assert balances()[p["A1"], "overrides-accrual", "override"][0] == Decimal("11.09")
    assert balances()[p["AGA"], "overrides-accrual", "override"][0] == Decimal("10.64")
    assert (p["A1"], "overrides-accrual", "limits") not in balances()
    assert partner_total(p["A1"]) == Decimal("71.09") and partner_total(p["AGA"]) == Decimal("10.64")
    assert_equals_full_run()


def test_override_follows_the_hierarchy_as_of_the_date(planned):
    p = planned.partners
    hierarchy.move_partner(db.session, None, p["A1A"], p["B1"], date(2026, 2, 15))
    accrual.rebuild(db.session, FEBRUARY)
    db.session.commit()

    new_contract("C-A1A-4", p["A1A"], date(2026, 2, 16), status=ContractStatus.ACTIVE, activated_on=date(2026, 2, 20))
    accrual.on_contract_event(db.session, ["C-A1A-4"])
    db.session.commit()

    earners = {line.partner_id: line.level for line in _override_lines_from(p["A1A"])}
    # the contract activated on Feb 1 feeds A1 and AGA (the parent then), the one of Feb 20 feeds B1 and AGB
    assert set(earners) == {p["A1"], p["AGA"], p["B1"], p["AGB"]}
    assert_equals_full_run()


def test_events_outside_open_periods_change_nothing(planned):
    outcome = accrual.on_contract_event(db.session, ["C-A1"])
    assert outcome.periods == () and outcome.partners == ()


def test_an_approved_period_is_not_accrued(planned):
    accrual.rebuild(db.session, FEBRUARY)
    db.session.add(CommissionPeriod(month=FEBRUARY, status=PeriodStatus.APPROVED))
    db.session.commit()
    assert accrual.open_periods(db.session) == []
    with pytest.raises(accrual.AccrualError, match="locked"):
        accrual.rebuild(db.session, FEBRUARY)


def test_import_batch_hook_finds_the_rows_of_the_batch(planned):
    from app.models import ImportBatch

    p = planned.partners
    accrual.rebuild(db.session, FEBRUARY)
    batch = ImportBatch(source="contracts", file_name="contracts.csv", sha256="0" * 64)
    db.session.add(batch)
    db.session.flush()
    contract = new_contract("C-B1-2", p["B1"], date(2026, 2, 1), status=ContractStatus.ACTIVE,
                            activated_on=date(2026, 2, 2))
    contract.import_batch_id = batch.id
    db.session.flush()
    outcome = accrual.on_import_batch(db.session, batch.id)
    db.session.commit()
    assert outcome.sellers == (p["B1"],)
    assert_equals_full_run()


def test_an_import_batch_of_any_size_sends_no_reference_list_to_the_database(planned):
    # an import of a million billing lines must not bind a million values (PostgreSQL refuses more than 65,535)
    from app.models import BillingLine
    from app.models import ImportBatch

    accrual.rebuild(db.session, FEBRUARY)
    batch = ImportBatch(source="billing_lines", file_name="billing.csv", sha256="1" * 64)
    db.session.add(batch)
    db.session.flush()
    db.session.add_all(BillingLine(external_id=f"BL-BIG-{n}", contract_external_id="C-A1A", period_start=FEBRUARY,
                                   period_end=date(2026, 2, 28), volume=Decimal("1.000"), amount_billed=Decimal("0.50"),
                                   fixed_fee_billed=Decimal("0.10"), paid=False, import_batch_id=batch.id)
                       for n in range(400))
    db.session.flush()
    bound: list[int] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not executemany:
            bound.append(len(parameters or ()))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        outcome = accrual.on_import_batch(db.session, batch.id)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    db.session.commit()
    assert outcome.sellers == (planned.partners["A1A"],)
    assert bound and max(bound) < 50
    assert_equals_full_run()


class _Override:
    def __init__(self, partner_id: int, inputs: str):
        import json

        self.partner_id = partner_id
        self.level = json.loads(inputs)["level"]


def _override_lines_from(downline: int) -> list[_Override]:
    rows = db.session.execute(select(AccrualLine.partner_id, AccrualLine.inputs).where(
        AccrualLine.line_kind == "override", AccrualLine.source_id == downline)).all()
    return [_Override(partner_id, inputs) for partner_id, inputs in rows]


def test_an_event_rewrites_only_the_lines_that_changed(planned):
    p = planned.partners
    accrual.rebuild(db.session, FEBRUARY)
    db.session.commit()
    before = dict(db.session.execute(select(AccrualLine.line_key, AccrualLine.id)).all())

    new_contract("C-A1-5", p["A1"], date(2026, 2, 4), status=ContractStatus.ACTIVE, activated_on=date(2026, 2, 6))
    accrual.on_contract_event(db.session, ["C-A1-5"])
    db.session.commit()
    after = dict(db.session.execute(select(AccrualLine.line_key, AccrualLine.id)).all())

    kept = {key for key in before if after.get(key) == before[key]}
    rewritten = set(after) - kept
    # rewritten: the new contract's activation, the accelerator it unlocks, the overrides they give A1's agency
    # and the agency's guarantee; kept row for row: A1's first activation, and every line of everyone else
    assert any("C-A1-5" in key for key in rewritten)
    assert any(key.startswith(f"{p['A1']}|agents-accrual|accelerator|") for key in rewritten)
    assert any(key.startswith(f"{p['AGA']}|overrides-accrual|override|") for key in rewritten)
    first = {key for key in before if key.startswith(f"{p['A1']}|agents-accrual|activation|") and ":C-A1|" in key}
    assert first and first <= kept
    others = {key for key in before if int(key.split("|")[0]) not in (p["A1"], p["AGA"])}
    assert others and others <= kept
    assert_equals_full_run()
