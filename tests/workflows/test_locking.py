"""Optimistic locking: when two people complete the same task, exactly one wins; the other is told by whom."""

import threading

import pytest
from sqlalchemy import select

import workflows
from app.extensions import db
from app.models import HumanTask
from app.models import ProcessInstance
from app.models import Role
from app.models import User
from app.services import accounts
from tests.workflows.conftest import task_for
from workflows import persistence
from workflows import serializer
from workflows import specs


def _dispute(session, users, network):
    review = workflows.start(session, "statement_review", business_key="2026-03/partner-a1", period="2026-03",
                             partner_id=network.partners["A1"],
                             variables={"dispute_window": "P10D", "resolution_sla": "P5D"})
    workflows.complete_task(session, task_for(session, users["agente"], "review_statement").id,
                            users["agente"], {"decision": "dispute"})
    return review, task_for(session, users["backoffice"], "resolve_disputes")


def _backoffice_users(session, count: int) -> list[int]:
    ids = []
    for index in range(count):
        user = accounts.create_user(session, None, username=f"bo{index}", full_name=f"Backoffice {index}",
                                    password=None, roles=[Role.BACKOFFICE])
        ids.append(user.id)
    return ids


def test_a_stale_version_loses_and_says_who_won(app, session, users, network, monkeypatch):
    review, task = _dispute(session, users, network)
    [colleague_id] = _backoffice_users(session, 1)
    session.commit()
    real_load = persistence.load
    raced = []

    def load_then_lose_the_race(s, instance_id, lock=False):
        loaded = real_load(s, instance_id, lock=lock)
        if not raced:  # between our read and our save, a colleague completes the same task
            raced.append(True)
            with app.app_context():
                other = db.session
                workflows.complete_task(other, task.id, other.get(User, colleague_id), {"answer": "theirs"})
                other.commit()
                other.remove()
        return loaded

    monkeypatch.setattr(persistence, "load", load_then_lose_the_race)
    with pytest.raises(workflows.TaskAlreadyCompleted) as lost:
        workflows.complete_task(session, task.id, users["backoffice"], {"answer": "mine"})
    session.rollback()

    assert "already completed by Backoffice 0 at" in str(lost.value)
    assert lost.value.completed_by == "Backoffice 0"
    row = session.scalar(select(HumanTask).where(HumanTask.task_uuid == task.id))
    assert row.completed_by == colleague_id
    assert workflows.task_data(session, task_for(session, users["agente"], "see_outcome").id)["answer"] == "theirs"


def test_a_second_click_after_the_first_is_refused_up_front(session, users, network):
    _, task = _dispute(session, users, network)
    workflows.complete_task(session, task.id, users["backoffice"], {})
    session.commit()
    with pytest.raises(workflows.TaskAlreadyCompleted, match="already completed by Backoffice"):
        workflows.complete_task(session, task.id, users["backoffice"], {})


def test_saving_an_outdated_version_raises_stale(session, users, network):
    review, _ = _dispute(session, users, network)
    session.commit()
    row, runtime = persistence.load(session, review.id)
    session.execute(ProcessInstance.__table__.update().where(ProcessInstance.id == review.id)
                    .values(version=ProcessInstance.version + 1))
    runtime.advance()
    with pytest.raises(persistence.StaleInstance):
        persistence.save(session, row, runtime)


@pytest.mark.postgres
def test_twenty_threads_complete_the_same_task_exactly_one_wins(app, session, users, network, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: real concurrent completion is tested on PostgreSQL")
    review, task = _dispute(session, users, network)
    user_ids = _backoffice_users(session, 20)
    session.commit()
    barrier = threading.Barrier(20, timeout=30)
    outcomes: dict[int, str] = {}

    def complete(user_id: int) -> None:
        with app.app_context():
            s = db.session
            try:
                user = s.get(User, user_id)
                user.roles  # noqa: B018 - load the roles before the race
                s.expunge(user)
                s.rollback()  # give the connection back: the pool has fewer than 20
                barrier.wait()
                workflows.complete_task(s, task.id, user, {"answer": f"from {user_id}"})
                s.commit()
                outcomes[user_id] = "won"
            except workflows.TaskAlreadyCompleted as exc:
                s.rollback()
                outcomes[user_id] = f"lost: {exc}"
            except Exception as exc:  # anything else is a failure of the test
                s.rollback()
                outcomes[user_id] = f"error: {type(exc).__name__}: {exc}"
            finally:
                s.remove()

    threads = [threading.Thread(target=complete, args=(user_id,)) for user_id in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    winners = [user_id for user_id, outcome in outcomes.items() if outcome == "won"]
    assert len(outcomes) == 20
    assert len(winners) == 1, outcomes
    winner = session.get(User, winners[0])
    losers = [outcome for outcome in outcomes.values() if outcome != "won"]
    assert all(o.startswith(f"lost: Task 'Resolve disputes' was already completed by {winner.full_name}")
               for o in losers), losers

    session.expire_all()
    row = session.get(ProcessInstance, review.id)
    workflow = serializer.loads(row.state_json, specs.for_definition(row.definition))
    assert workflow is not None
    outcome = task_for(session, users["agente"], "see_outcome", review.id)
    assert workflows.task_data(session, outcome.id)["answer"] == f"from {winners[0]}"
    info = workflows.complete_task(session, outcome.id, users["agente"], {})
    session.commit()
    assert info.status == "completed"
    completed = [e for e in workflows.history(session, review.id) if e.event_type == "task_completed"]
    assert [e.user_id for e in completed] == [users["agente"].id, winners[0], users["agente"].id]
