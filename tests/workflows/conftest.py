"""Fixtures for the workflows package: the test BPMN directory, users by name, fake service operations, and a
commission cycle driver used by the scenario and timer tests."""

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import pytest
from sqlalchemy import select

import workflows
from app.extensions import db
from app.models import User
from workflows import jobs
from workflows import service_tasks
from workflows import specs

DATA = Path(__file__).parent / "data"
PERIOD = "2026-03"
CYCLE_VARIABLES = {"dispute_window": "P10D", "resolution_sla": "P5D", "review_deadline": "2026-04-20T18:00:00"}


@pytest.fixture(autouse=True, scope="session")
def test_processes():
    specs.add_directory(DATA)
    yield
    specs.remove_directory(DATA)


@pytest.fixture(autouse=True)
def clean_registries():
    saved = service_tasks.registered()
    dispatcher = jobs.dispatcher()
    yield
    service_tasks._registry.clear()
    service_tasks._registry.update(saved)
    jobs.use_dispatcher(dispatcher)


@pytest.fixture
def session(app):
    return db.session


@pytest.fixture
def users(app, network) -> dict[str, User]:
    return {user.username: user for user in db.session.scalars(select(User))}


def task_for(session, user, bpmn_id: str, instance_id: int | None = None):
    """Return the one open task ``bpmn_id`` that ``user`` sees."""
    found = [task for task in workflows.ready_tasks(session, user=user, instance_id=instance_id)
             if task.bpmn_id == bpmn_id]
    assert len(found) == 1, f"{user.username} sees {[t.bpmn_id for t in found]} for {bpmn_id}"
    return found[0]


@dataclass
class CycleFakes:
    """Fake operations for the commission cycle, recording their calls."""

    partner_ids: list[int]
    blocking: list[int] = field(default_factory=lambda: [0])
    calls: list[str] = field(default_factory=list)
    review_ids: list[int] = field(default_factory=list)

    def data_quality_check(self, session, instance, data):
        self.calls.append("data_quality_check")
        return {"blocking_issues": self.blocking.pop(0) if len(self.blocking) > 1 else self.blocking[0]}

    def run_calculation(self, session, instance, data):
        self.calls.append("run_calculation")
        workflows.report_progress(50, "calculating")
        return {"calculation_run_id": 7}

    def publish_statements(self, session, instance, data):
        self.calls.append("publish_statements")
        for partner_id in self.partner_ids:
            review = workflows.start(
                session, "statement_review", business_key=f"{instance.period}/partner-{partner_id}",
                period=instance.period, partner_id=partner_id,
                variables={"dispute_window": data["dispute_window"], "resolution_sla": data["resolution_sla"]})
            self.review_ids.append(review.id)
        return {"review_count": len(self.partner_ids)}

    def build_invoice_batch(self, session, instance, data):
        self.calls.append("build_invoice_batch")
        return {"invoice_batch_id": 11}

    def issue_invoices(self, session, instance, data):
        self.calls.append("issue_invoices")
        return {"invoice_ids": [1, 2, 3]}

    def export_accounting(self, session, instance, data):
        self.calls.append("export_accounting")
        return {"export_id": 5}

    def register(self, background_calculation: bool = True) -> None:
        service_tasks.register("data_quality_check", self.data_quality_check)
        service_tasks.register("run_calculation", self.run_calculation, background=background_calculation)
        service_tasks.register("publish_statements", self.publish_statements)
        service_tasks.register("build_invoice_batch", self.build_invoice_batch)
        service_tasks.register("issue_invoices", self.issue_invoices)
        service_tasks.register("export_accounting", self.export_accounting)


@pytest.fixture
def cycle_fakes(network) -> CycleFakes:
    fakes = CycleFakes(partner_ids=[network.partners["A1"], network.partners["A1A"], network.partners["B1"]])
    fakes.register()
    return fakes


def drive_cycle_to_reviews(session, users, period: str = PERIOD, variables: dict | None = None):
    """Start a cycle and run it to the point where it waits for the reviews; return its info."""
    from workflows import worker

    backoffice = users["backoffice"]
    cycle = workflows.start(session, "commission_cycle", business_key=period, period=period,
                            variables=variables or CYCLE_VARIABLES, user=users["admin"])
    workflows.complete_task(session, task_for(session, backoffice, "load_data", cycle.id).id, backoffice,
                            {"import_batch_ids": [1]})
    session.commit()
    worker.run_pending(session)
    workflows.complete_task(session, task_for(session, backoffice, "validate_calculation", cycle.id).id,
                            backoffice, {"validation": "approve"})
    session.commit()
    return workflows.get_instance(session, cycle.id)
