"""Fixtures of the inbox tests: plans assigned to the test network, users each with their own signed-in client,
and a cycle of February 2026 driven to the point where the statements are published."""

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
import time_machine
from sqlalchemy import select

import workflows
from app.extensions import db
from app.models import User
from app.services import cycle
from tests.factories import publish_test_plans
from workflows import worker

PERIOD = "2026-02"
MONTH = date(2026, 2, 1)
T0 = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def planned(app, network):
    publish_test_plans(db.session)
    return network


@pytest.fixture
def traveller():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


class Actor:
    """One user with their own signed-in client, acting through the pages."""

    def __init__(self, app, username: str):
        from tests.conftest import AuthActions

        self.username = username
        self.client = app.test_client()
        AuthActions(self.client).login(username)
        self.token = AuthActions(self.client).csrf("/inbox/")
        self.user_id = db.session.scalar(select(User.id).where(User.username == username))

    @property
    def user(self) -> User:
        return db.session.get(User, self.user_id)

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict | None = None, **kwargs):
        return self.client.post(path, data={"csrf_token": self.token, **(data or {})}, **kwargs)

    def tasks(self, bpmn_id: str | None = None) -> list[workflows.HumanTaskInfo]:
        db.session.expire_all()
        found = workflows.ready_tasks(db.session, user=self.user)
        return [t for t in found if bpmn_id is None or t.bpmn_id == bpmn_id]

    def task(self, bpmn_id: str, business_key: str | None = None) -> workflows.HumanTaskInfo:
        found = [t for t in self.tasks(bpmn_id) if business_key is None or t.business_key == business_key]
        assert len(found) == 1, f"{self.username} sees {len(found)} {bpmn_id} tasks"
        return found[0]

    def complete(self, bpmn_id: str, data: dict | None = None, business_key: str | None = None):
        task = self.task(bpmn_id, business_key)
        return self.post(f"/inbox/tasks/{task.id}", data or {})


@pytest.fixture
def actor(app):
    def make(username: str) -> Actor:
        return Actor(app, username)
    return make


def run_jobs() -> list:
    """Run the queued background jobs in this thread, as ``flask workflows worker --once`` does."""
    return worker.run_pending(db.session)


def cycle_to_reviews(backoffice_user) -> workflows.ProcessInstanceInfo:
    """Start the cycle of February and drive it with services until the reviews are started."""
    info = cycle.start_cycle(db.session, backoffice_user, MONTH)
    db.session.commit()
    for bpmn_id, data in (("load_data", {}), ("validate_calculation", {"validation": "approve"})):
        [task] = [t for t in workflows.ready_tasks(db.session, instance_id=info.id) if t.bpmn_id == bpmn_id]
        cycle.complete(db.session, backoffice_user, task, data)
        db.session.commit()
        run_jobs()
    return workflows.get_instance(db.session, info.id)
