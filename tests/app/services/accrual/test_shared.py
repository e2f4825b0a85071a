"""The inputs kept between events (hierarchy, assignments, plan documents) follow every change of their rows."""

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import AccrualLine
from app.models import ContractStatus
from app.models import PartnerLink
from app.models.plan import Plan
from app.services import accrual
from app.services import network as hierarchy
from app.services import plans
from app.services.accrual import shared
from app.services.calculation.frames import is_postgres
from tests.app.services.accrual.conftest import AGENTS_PLAN
from tests.app.services.accrual.conftest import FEBRUARY
from tests.app.services.accrual.conftest import assert_equals_full_run
from tests.app.services.accrual.conftest import new_contract


def _parents(kept: shared.Shared, partner_id: int) -> set[int]:
    links = kept.hierarchy.filter(kept.hierarchy["partner_id"] == partner_id)
    return set(links.get_column("parent_id").to_list())


def _opened(planned) -> shared.Shared:
    shared.forget()
    accrual.rebuild(db.session, FEBRUARY)
    db.session.commit()
    first = shared.of_period(db.session, FEBRUARY)
    if is_postgres(db.session):
        # unchanged rows: the very same copy is kept
        assert shared.of_period(db.session, FEBRUARY) is first
    return first


def test_a_move_is_seen_by_the_next_event(planned):
    p = planned.partners
    before = _opened(planned)
    assert _parents(before, p["A1A"]) == {p["A1"]}

    hierarchy.move_partner(db.session, None, p["A1A"], p["B1"], date(2026, 2, 15))
    after = shared.of_period(db.session, FEBRUARY)
    assert after is not before
    assert _parents(after, p["A1A"]) == {p["A1"], p["B1"]}
    assert p["A1A"] in after.descendants(p["B1"]) and p["B1"] in after.ancestors({p["A1A"]})

    new_contract("C-A1A-9", p["A1A"], date(2026, 2, 20), status=ContractStatus.ACTIVE, activated_on=date(2026, 2, 21))
    accrual.on_contract_event(db.session, ["C-A1A-9"])
    db.session.commit()
    # the sale after the move gives its overrides to the new upline
    earners = set(db.session.scalars(select(AccrualLine.partner_id).where(
        AccrualLine.line_kind == "override", AccrualLine.contract_ref.is_(None),
        AccrualLine.source_id == p["A1A"])))
    assert p["B1"] in earners
    assert_equals_full_run()


def test_a_link_corrected_in_place_in_the_same_transaction_is_seen(planned):
    p = planned.partners
    _opened(planned)
    link = db.session.scalar(select(PartnerLink).where(PartnerLink.partner_id == p["A1A"]))
    first_from = link.valid_from
    link.valid_from = date(2025, 12, 1)
    db.session.flush()
    kept = shared.of_period(db.session, FEBRUARY)
    row = kept.hierarchy.filter(kept.hierarchy["partner_id"] == p["A1A"]).row(0, named=True)
    assert row["valid_from"] == date(2025, 12, 1) != first_from


def test_a_new_assignment_is_seen(planned):
    p = planned.partners
    before = _opened(planned)
    agents = before.assignments.filter(before.assignments["plan_id"] == "agents-accrual")
    assert p["AGA"] not in agents.get_column("partner_id").to_list()

    plan = db.session.scalar(select(Plan).where(Plan.code == "agents-accrual"))
    plans.assign(db.session, None, plan, date(2026, 2, 1), partner_id=p["AGA"])
    after = shared.of_period(db.session, FEBRUARY)
    agents = after.assignments.filter(after.assignments["plan_id"] == "agents-accrual")
    assert p["AGA"] in agents.get_column("partner_id").to_list()


def test_a_published_plan_version_is_seen(planned):
    before = _opened(planned)
    assert [(plan.plan_id, plan.version) for plan in before.plans] == [("agents-accrual", 1), ("overrides-accrual", 1)]

    text = AGENTS_PLAN.replace("version: 1", "version: 2").replace("valid_from: 2026-01-01", "valid_from: 2026-02-15")
    version, _ = plans.import_yaml(db.session, None, text)
    plans.publish(db.session, None, version)
    db.session.flush()
    after = shared.of_period(db.session, FEBRUARY)
    assert sorted((plan.plan_id, plan.version) for plan in after.plans) == [
        ("agents-accrual", 1), ("agents-accrual", 2), ("overrides-accrual", 1)]


def test_a_rolled_back_change_is_not_kept(planned):
    p = planned.partners
    _opened(planned)
    hierarchy.move_partner(db.session, None, p["A1A"], p["B1"], date(2026, 2, 15))
    assert _parents(shared.of_period(db.session, FEBRUARY), p["A1A"]) == {p["A1"], p["B1"]}
    db.session.rollback()
    assert _parents(shared.of_period(db.session, FEBRUARY), p["A1A"]) == {p["A1"]}
