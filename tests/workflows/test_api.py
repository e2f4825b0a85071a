"""The façade's verbs: start, the inbox, completing and claiming tasks, history rows for each step."""

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

import workflows
from app.models import AuditEntry
from app.models import ProcessEvent
from tests.workflows.conftest import task_for

REVIEW_VARIABLES = {"dispute_window": "P10D", "resolution_sla": "P5D"}


def start_review(session, partner_id: int, period: str = "2026-03"):
    return workflows.start(session, "statement_review", business_key=f"{period}/partner-{partner_id}",
                           period=period, partner_id=partner_id, variables=REVIEW_VARIABLES)


def test_start_puts_a_task_in_the_inbox_with_lane_role_and_form(session, users, network):
    review = start_review(session, network.partners["A1"])
    session.commit()

    assert review.status == "running"
    assert review.business_key == f"2026-03/partner-{network.partners['A1']}"
    [task] = workflows.ready_tasks(session, user=users["agente"])
    assert (task.bpmn_id, task.title, task.lane, task.role) == (
        "review_statement", "Review statement", "partner", "partner")
    assert task.form_name == "review_statement"
    assert task.partner_id == network.partners["A1"]
    assert task.due_at == review.next_timer_at  # the dispute window boundary timer
    assert workflows.ready_tasks(session, user=users["altro"]) == []  # another partner sees nothing
    assert workflows.ready_tasks(session, user=users["backoffice"]) == []


def test_complete_moves_to_the_next_task_and_history_has_every_step(session, users, network):
    review = start_review(session, network.partners["A1"])
    partner, backoffice = users["agente"], users["backoffice"]

    task = task_for(session, partner, "review_statement")
    workflows.complete_task(session, task.id, partner, {"decision": "dispute", "disputed_line_ids": [4, 5]})
    session.commit()

    resolve = task_for(session, backoffice, "resolve_disputes")
    assert resolve.role == "backoffice" and resolve.partner_id is None
    assert workflows.task_data(session, resolve.id)["disputed_line_ids"] == [4, 5]
    done = workflows.get_task(session, task.id)
    assert done.status == "completed" and done.completed_by == partner.id

    events = [(e.event_type, e.bpmn_id, e.actor) for e in workflows.history(session, review.id)]
    assert events == [
        ("instance_started", None, "system"),
        ("task_ready", "review_statement", "system"),
        ("task_completed", "review_statement", "agente"),
        ("task_ready", "resolve_disputes", "system"),
    ]
    completed = [e for e in workflows.history(session, review.id) if e.event_type == "task_completed"][0]
    assert completed.user_id == partner.id
    assert completed.data["decision"] == "dispute"
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "workflow.task_completed")).all()
    assert [a.actor for a in audit] == ["agente"]


def test_accepting_ends_the_review(session, users, network):
    review = start_review(session, network.partners["B1"])
    partner = users["altro"]
    info = workflows.complete_task(session, task_for(session, partner, "review_statement").id, partner,
                                   {"decision": "accept"})
    session.commit()
    assert info.status == "completed" and info.completed_at is not None
    types = [e.event_type for e in workflows.history(session, review.id)]
    assert types[-3:] == ["message_sent", "instance_completed", "message_dropped"]


def test_only_the_role_and_partner_of_a_task_may_complete_it(session, users, network):
    start_review(session, network.partners["A1"])
    task = task_for(session, users["agente"], "review_statement")
    with pytest.raises(workflows.NotAllowed):
        workflows.complete_task(session, task.id, users["backoffice"], {"decision": "accept"})
    with pytest.raises(workflows.NotAllowed):
        workflows.complete_task(session, task.id, users["altro"], {"decision": "accept"})


def test_task_data_holds_ids_and_decisions_never_floats(session, users, network):
    start_review(session, network.partners["A1"])
    task = task_for(session, users["agente"], "review_statement")
    with pytest.raises(workflows.InvalidTaskData, match="float"):
        workflows.complete_task(session, task.id, users["agente"], {"decision": "accept", "amount": 1.5})
    workflows.complete_task(session, task.id, users["agente"], {"decision": "accept", "amount": Decimal("1.50")})


def test_claim_and_release_are_recorded_and_block_others(session, users, network):
    review = start_review(session, network.partners["A1"])
    partner, backoffice = users["agente"], users["backoffice"]
    workflows.complete_task(session, task_for(session, partner, "review_statement").id, partner,
                            {"decision": "dispute"})
    task = task_for(session, backoffice, "resolve_disputes")

    claimed = workflows.claim_task(session, task.id, backoffice)
    assert claimed.claimed_by == backoffice.id and claimed.claimed_at is not None
    released = workflows.release_task(session, task.id, backoffice)
    assert released.claimed_by is None
    session.commit()

    types = [e.event_type for e in workflows.history(session, review.id)]
    assert types[-2:] == ["task_claimed", "task_released"]
    actions = [a.action for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-2:] == ["workflow.task_claimed", "workflow.task_released"]


def test_a_claimed_task_cannot_be_completed_by_a_colleague(session, users, network, app):
    from app.models import Role
    from app.services import accounts

    colleague = accounts.create_user(session, None, username="bo2", full_name="Bea Backoffice", password=None,
                                     roles=[Role.BACKOFFICE])
    start_review(session, network.partners["A1"])
    workflows.complete_task(session, task_for(session, users["agente"], "review_statement").id, users["agente"],
                            {"decision": "dispute"})
    task = task_for(session, users["backoffice"], "resolve_disputes")
    workflows.claim_task(session, task.id, users["backoffice"])
    with pytest.raises(workflows.TaskClaimed, match="claimed by Backoffice"):
        workflows.complete_task(session, task.id, colleague, {})
    with pytest.raises(workflows.TaskClaimed):
        workflows.claim_task(session, task.id, colleague)


def test_business_key_is_unique_per_process(session, network):
    start_review(session, network.partners["A1"])
    with pytest.raises(workflows.InstanceExists):
        start_review(session, network.partners["A1"])


def test_process_history_is_append_only(session, network):
    review = start_review(session, network.partners["A1"])
    session.commit()
    for statement in ("UPDATE process_event SET actor = 'x'", "DELETE FROM process_event"):
        with pytest.raises(DatabaseError, match="append-only"):
            session.execute(text(statement))
        session.rollback()
    assert len(workflows.history(session, review.id)) == 2


def test_search_history_by_period_user_type_and_dates(session, users, network):
    from datetime import timedelta

    from workflows import clock

    start_review(session, network.partners["A1"], period="2026-03")
    start_review(session, network.partners["A1"], period="2026-04")
    partner = users["agente"]
    task = [t for t in workflows.ready_tasks(session, user=partner) if t.period == "2026-04"][0]
    workflows.complete_task(session, task.id, partner, {"decision": "accept"})
    session.commit()

    assert {e.event_type for e in workflows.search_history(session, period="2026-03")} == {
        "instance_started", "task_ready"}
    by_user = workflows.search_history(session, user_id=partner.id)
    assert [(e.event_type, e.bpmn_id) for e in by_user] == [("task_completed", "review_statement")]
    assert len(workflows.search_history(session, event_type="instance_started")) == 2
    now = clock.now()
    assert len(workflows.search_history(session, since=now - timedelta(minutes=5), until=now
                                        + timedelta(seconds=1))) == len(session.scalars(
                                            select(ProcessEvent)).all())
    assert workflows.search_history(session, since=now + timedelta(minutes=5)) == []
