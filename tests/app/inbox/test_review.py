"""Statement reviews started by the cycle: a partner accepts through its page; another review closes when the
dispute window expires; each closed review reaches the cycle as a ``review_closed`` message."""

from datetime import timedelta

from sqlalchemy import select

import workflows
from app.extensions import db
from app.models import CommissionLine
from app.models import DisputedLine
from app.models import Statement
from tests.app.inbox.conftest import PERIOD
from tests.app.inbox.conftest import cycle_to_reviews


def _received(cycle_id: int) -> list:
    return [e for e in workflows.history(db.session, cycle_id) if e.event_type == "message_received"]


def test_a_review_from_start_to_close_by_the_dispute_window(planned, actor, traveller):
    backoffice = actor("backoffice")
    cycle = cycle_to_reviews(backoffice.user)
    p = planned.partners
    agente, altro = actor("agente"), actor("altro")

    # the partner reads its statement and accepts it: its review closes and the cycle counts it
    review = agente.task("review_statement")
    page = agente.get(f"/inbox/tasks/{review.id}")
    assert page.status_code == 200 and 'data-testid="net-payable"' in page.get_data(as_text=True)
    assert agente.post(f"/inbox/tasks/{review.id}", {"decision": "accept"}).status_code == 303
    assert workflows.get_instance(db.session, review.instance_id).status == "completed"
    assert len(_received(cycle.id)) == 1

    # B1's review is left alone: the dispute window (10 days) closes it, accepted as published
    b1_review = altro.task("review_statement")
    assert b1_review.business_key == f"{PERIOD}/partner-{p['B1']}"
    traveller.shift(timedelta(days=9))
    assert b1_review.instance_id not in workflows.fire_due_timers(db.session)
    traveller.shift(timedelta(days=1, minutes=1))
    fired = workflows.fire_due_timers(db.session)
    assert b1_review.instance_id in fired
    closed = workflows.get_instance(db.session, b1_review.instance_id)
    assert closed.status == "completed"
    assert altro.tasks("review_statement") == []
    outcomes = [e.data["payload"]["outcome"] for e in _received(cycle.id)]
    # the four reviews nobody answered all closed with the window; A1's was accepted by its partner
    assert outcomes == ["accepted"] + ["accepted_by_default"] * 4
    by_partner = {str(e.data["payload"]["partner_id"]): e.data["payload"]["outcome"] for e in _received(cycle.id)}
    assert by_partner[str(p["B1"])] == "accepted_by_default" and by_partner[str(p["A1"])] == "accepted"
    # every review is closed: the cycle builds the invoice batch and waits for finance
    assert workflows.get_instance(db.session, cycle.id).status == "running"
    assert [t.bpmn_id for t in workflows.ready_tasks(db.session, instance_id=cycle.id)] == ["finance_approval"]


def _line_ids(partner_id: int) -> list[int]:
    statement = db.session.scalar(select(Statement).where(Statement.partner_id == partner_id))
    return list(db.session.scalars(select(CommissionLine.id).where(CommissionLine.run_id == statement.run_id,
                                                                   CommissionLine.partner_id == partner_id)))


def _disputed_line_ids() -> list[int]:
    return list(db.session.scalars(select(DisputedLine.id).order_by(DisputedLine.id)))


def test_dispute_resolution_and_outcome_pages(planned, actor, traveller):
    cycle_to_reviews(actor("backoffice").user)
    agente, backoffice = actor("agente"), actor("backoffice")
    review = agente.task("review_statement")
    lines = _line_ids(planned.partners["A1"])
    response = agente.post(f"/inbox/tasks/{review.id}", {"decision": "dispute", "lines": lines[:1]})
    assert response.status_code == 422  # a dispute needs a reason
    assert agente.post(f"/inbox/tasks/{review.id}", {"decision": "dispute", "reason": "tariff",
                                                     "lines": lines[:1]}).status_code == 303
    resolve = backoffice.task("resolve_disputes")
    page = backoffice.get(f"/inbox/tasks/{resolve.id}").get_data(as_text=True)
    assert "tariff" in page
    [disputed] = _disputed_line_ids()
    answer = {f"outcome-{disputed}": "reject", f"note-{disputed}": "tariff applied as agreed"}
    assert backoffice.post(f"/inbox/tasks/{resolve.id}", answer).status_code == 303
    outcome = agente.task("see_outcome")
    assert agente.post(f"/inbox/tasks/{outcome.id}").status_code == 303
    assert workflows.get_instance(db.session, review.instance_id).status == "completed"


def test_escalation_page_after_the_resolution_sla(planned, actor, traveller):
    cycle_to_reviews(actor("backoffice").user)
    agente, lead = actor("agente"), actor("lead")
    agente.complete("review_statement", {"decision": "dispute", "reason": "tariff",
                                         "lines": _line_ids(planned.partners["A1"])[:1]})
    traveller.shift(timedelta(days=5, minutes=1))
    workflows.fire_due_timers(db.session)
    escalation = lead.task("follow_up_escalation")
    assert lead.post(f"/inbox/tasks/{escalation.id}").status_code == 422  # the follow-up is required
    assert lead.post(f"/inbox/tasks/{escalation.id}", {"note": "called the back-office"}).status_code == 303
    assert actor("backoffice").task("resolve_disputes") is not None
