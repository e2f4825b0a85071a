"""The whole commission cycle with fake operations: loops, background calculation, three reviews, finance."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
import time_machine

import workflows
from tests.workflows.conftest import CYCLE_VARIABLES
from tests.workflows.conftest import PERIOD
from tests.workflows.conftest import task_for
from workflows import worker

T0 = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def traveller():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def _do(session, user, bpmn_id, instance_id, data=None):
    task = task_for(session, user, bpmn_id, instance_id)
    info = workflows.complete_task(session, task.id, user, data or {})
    session.commit()
    return info


def test_the_cycle_from_start_to_end(session, users, network, cycle_fakes, traveller):
    backoffice, finance = users["backoffice"], users["finance"]
    cycle_fakes.blocking = [2, 0]
    cycle = workflows.start(session, "commission_cycle", business_key=PERIOD, period=PERIOD,
                            variables=CYCLE_VARIABLES, user=users["admin"])
    session.commit()
    load = task_for(session, backoffice, "load_data", cycle.id)
    assert load.form_name == "load_data" and load.due_at == T0 + timedelta(days=3)

    # data quality loop: two blocking issues, fixed, then clean
    _do(session, backoffice, "load_data", cycle.id, {"import_batch_ids": [1, 2]})
    assert workflows.task_data(session, task_for(session, backoffice, "fix_data", cycle.id).id)[
        "blocking_issues"] == 2
    info = _do(session, backoffice, "fix_data", cycle.id, {"fixed_rows": 2})
    assert info.status == "running"  # the calculation job is queued, the task STARTED
    [job] = workflows.jobs_for_instance(session, cycle.id)
    assert job.status == "queued" and job.operation == "run_calculation"
    assert workflows.ready_tasks(session, instance_id=cycle.id) == []
    worker.run_pending(session)
    assert workflows.jobs_for_instance(session, cycle.id)[0].percent == 100

    # validation sends it back once: back to loading data
    _do(session, backoffice, "validate_calculation", cycle.id, {"validation": "send_back", "reason": "tariffs"})
    _do(session, backoffice, "load_data", cycle.id, {"import_batch_ids": [3]})
    worker.run_pending(session)
    info = _do(session, backoffice, "validate_calculation", cycle.id, {"validation": "approve"})
    assert info.status == "waiting"
    reviews = cycle_fakes.review_ids
    assert [workflows.get_instance(session, r).business_key for r in reviews] == [
        f"{PERIOD}/partner-{network.partners[code]}" for code in ("A1", "A1A", "B1")]

    # three reviews: one accepted, one disputed and resolved, one closed by the dispute window
    _do(session, users["agente"], "review_statement", reviews[0], {"decision": "accept"})
    _do(session, users["subagente"], "review_statement", reviews[1], {"decision": "dispute",
                                                                       "disputed_line_ids": [8]})
    _do(session, backoffice, "resolve_disputes", reviews[1], {"resolutions": {"8": "corrected"}})
    _do(session, users["subagente"], "see_outcome", reviews[1])
    assert sum(e.event_type == "message_received" for e in workflows.history(session, cycle.id)) == 2
    assert workflows.get_instance(session, cycle.id).status == "waiting"
    traveller.shift(timedelta(days=10, hours=1))
    assert workflows.fire_due_timers(session) == [reviews[2]]

    # finance rejects once, the back-office reworks the batch, finance approves
    approval = task_for(session, finance, "finance_approval", cycle.id)
    assert workflows.task_data(session, approval.id)["closed_reviews"] == 3
    _do(session, finance, "finance_approval", cycle.id, {"approval": "reject", "reason": "VAT on line 3"})
    assert workflows.task_data(session, task_for(session, backoffice, "rework_batch", cycle.id).id)[
        "reason"] == "VAT on line 3"
    _do(session, backoffice, "rework_batch", cycle.id, {"note": "VAT fixed"})
    info = _do(session, finance, "finance_approval", cycle.id, {"approval": "approve"})

    assert info.status == "completed"
    assert cycle_fakes.calls == [
        "data_quality_check", "data_quality_check", "run_calculation", "data_quality_check", "run_calculation",
        "publish_statements", "build_invoice_batch", "build_invoice_batch", "issue_invoices",
        "export_accounting"]
    assert all(workflows.get_instance(session, r).status == "completed" for r in reviews)
    history = workflows.history(session, cycle.id)
    assert sum(e.event_type == "message_received" for e in history) == 3
    completed = [(e.bpmn_id, e.actor) for e in history if e.event_type == "task_completed"]
    assert completed == [
        ("load_data", "backoffice"), ("fix_data", "backoffice"), ("validate_calculation", "backoffice"),
        ("load_data", "backoffice"), ("validate_calculation", "backoffice"), ("finance_approval", "finance"),
        ("rework_batch", "backoffice"), ("finance_approval", "finance")]
    assert history[-1].event_type == "instance_completed"


def test_the_review_deadline_carries_open_disputes_to_the_next_period(session, users, network, cycle_fakes,
                                                                      traveller):
    from tests.workflows.conftest import drive_cycle_to_reviews

    cycle = drive_cycle_to_reviews(session, users, variables={**CYCLE_VARIABLES, "dispute_window": "P30D"})
    reviews = cycle_fakes.review_ids
    _do(session, users["agente"], "review_statement", reviews[0], {"decision": "accept"})
    assert workflows.get_instance(session, cycle.id).next_timer_at == datetime(2026, 4, 20, 16, 0, tzinfo=UTC)

    traveller.move_to(datetime(2026, 4, 20, 16, 1, tzinfo=UTC))
    assert workflows.fire_due_timers(session) == [cycle.id]
    approval = task_for(session, users["finance"], "finance_approval", cycle.id)
    data = workflows.task_data(session, approval.id)
    assert (data["closed_reviews"], data["carried_reviews"]) == (1, 2)

    _do(session, users["altro"], "review_statement", reviews[2], {"decision": "accept"})
    dropped = [e for e in workflows.history(session, reviews[2]) if e.event_type == "message_dropped"]
    assert dropped and dropped[0].data["name"] == "review_closed"
