"""Timers with a controlled clock: the dispute window closes, the SLA escalates, a tick reads only due rows."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
import time_machine

import workflows
from tests.workflows.conftest import drive_cycle_to_reviews
from tests.workflows.conftest import task_for
from workflows import clock
from workflows import persistence
from workflows.cli import workflows_cli
from workflows.scripting import timer_value

T0 = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def traveller():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def _review(session, partner_id, period="2026-03", window="P10D", sla="P5D"):
    return workflows.start(session, "statement_review", business_key=f"{period}/partner-{partner_id}",
                           period=period, partner_id=partner_id,
                           variables={"dispute_window": window, "resolution_sla": sla})


def test_the_dispute_window_closes_accepts_and_tells_the_cycle(session, users, network, cycle_fakes, traveller):
    cycle = drive_cycle_to_reviews(session, users)
    assert cycle.status == "waiting"
    reviews = cycle_fakes.review_ids
    assert len(reviews) == 3
    assert workflows.get_instance(session, reviews[0]).next_timer_at == T0 + timedelta(days=10)

    traveller.shift(timedelta(days=9))
    assert workflows.fire_due_timers(session) == []
    traveller.shift(timedelta(days=2))
    fired = workflows.fire_due_timers(session)

    assert sorted(fired) == sorted(reviews)
    for review_id in reviews:
        review = workflows.get_instance(session, review_id)
        assert review.status == "completed"
        events = [e.event_type for e in workflows.history(session, review_id)]
        assert "timer_fired" in events and "task_cancelled" in events and "message_sent" in events
        assert workflows.get_task(session, _first_task(session, review_id)).status == "cancelled"
    cycle = workflows.get_instance(session, cycle.id)
    received = [e for e in workflows.history(session, cycle.id) if e.event_type == "message_received"]
    assert len(received) == 3
    assert {e.data["payload"]["outcome"] for e in received} == {"accepted_by_default"}
    assert task_for(session, users["finance"], "finance_approval", cycle.id)


def _first_task(session, instance_id):
    return [e for e in workflows.history(session, instance_id) if e.event_type == "task_ready"][0].task_id


def test_the_resolution_sla_escalates_to_the_lead_without_cancelling(session, users, network, traveller):
    review = _review(session, network.partners["A1"])
    workflows.complete_task(session, task_for(session, users["agente"], "review_statement").id, users["agente"],
                            {"decision": "dispute"})
    session.commit()
    resolve = task_for(session, users["backoffice"], "resolve_disputes")
    assert resolve.due_at == T0 + timedelta(days=5)

    traveller.shift(timedelta(days=5, minutes=1))
    assert workflows.fire_due_timers(session) == [review.id]

    escalation = task_for(session, users["lead"], "follow_up_escalation")
    assert escalation.role == "backoffice_lead"
    assert task_for(session, users["backoffice"], "resolve_disputes").id == resolve.id  # still open
    workflows.complete_task(session, resolve.id, users["backoffice"], {})
    workflows.complete_task(session, task_for(session, users["agente"], "see_outcome").id, users["agente"], {})
    assert workflows.get_instance(session, review.id).status == "running"  # the lead's task is still open
    done = workflows.complete_task(session, escalation.id, users["lead"], {"note": "followed up"})
    assert done.status == "completed"


def test_tick_loads_only_the_due_instances(app, session, users, network, traveller, monkeypatch):
    app.cli.add_command(workflows_cli)
    due = _review(session, network.partners["A1"], window="P2D")
    _review(session, network.partners["A1A"], window="P20D")
    _review(session, network.partners["B1"], window="P30D")
    session.commit()
    loaded = []
    real_load = persistence.load

    def counting_load(s, instance_id, lock=False):
        loaded.append(instance_id)
        return real_load(s, instance_id, lock=lock)

    monkeypatch.setattr(persistence, "load", counting_load)
    traveller.shift(timedelta(days=3))
    result = app.test_cli_runner().invoke(args=["workflows", "tick"])

    assert result.exit_code == 0, result.output
    assert f"fired timers of 1 instance(s): {due.id}" in result.output
    assert loaded == [due.id]
    assert workflows.get_instance(session, due.id).status == "completed"


def test_time_date_values_are_normalised_to_utc():
    assert timer_value("2026-04-20T18:00:00") == "2026-04-20T16:00:00+00:00"  # business time, Europe/Rome
    assert timer_value("2026-01-20T18:00:00+01:00") == "2026-01-20T17:00:00+00:00"
    assert timer_value(datetime(2026, 4, 20, 18, 0, tzinfo=UTC)) == "2026-04-20T18:00:00+00:00"
    assert timer_value("P10D") == "P10D"
    assert clock.as_utc(datetime(2026, 1, 1)) == datetime(2026, 1, 1, tzinfo=UTC)

