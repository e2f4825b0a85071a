"""Definitions are cached and versioned by content hash; a running instance keeps the version it started with."""

import shutil

import pytest
from sqlalchemy import func
from sqlalchemy import select

import workflows
from app.models import ProcessDefinition
from tests.workflows.conftest import DATA
from tests.workflows.conftest import task_for
from workflows import persistence
from workflows import serializer
from workflows import specs


@pytest.fixture
def editable(tmp_path):
    shutil.copy(DATA / "restricted_scripts.bpmn", tmp_path / "restricted_scripts.bpmn")
    specs.add_directory(tmp_path)
    yield tmp_path / "restricted_scripts.bpmn"
    specs.remove_directory(tmp_path)


def test_editing_the_bpmn_gives_a_new_version_and_running_instances_keep_theirs(session, users, editable):
    old = workflows.start(session, "restricted_scripts", business_key="old")
    again = workflows.start(session, "restricted_scripts", business_key="again")
    assert old.definition_id == again.definition_id  # same content, same version, parsed once
    assert specs.current("restricted_scripts") is specs.current("restricted_scripts")

    editable.write_text(editable.read_text().replace("doubled = amount * 2", "doubled = amount * 3"))
    new = workflows.start(session, "restricted_scripts", business_key="new")
    session.commit()
    assert new.definition_id != old.definition_id
    assert session.scalar(select(func.count()).select_from(ProcessDefinition)
                          .where(ProcessDefinition.process_id == "restricted_scripts")) == 2

    specs.clear_cache()  # as in a fresh process: the old version is parsed from its stored row
    backoffice = users["backoffice"]
    for info, amount, expected in ((old, 40, 80), (new, 40, 120)):
        task = task_for(session, backoffice, "enter_amount", info.id)
        workflows.complete_task(session, task.id, backoffice, {"amount": amount})
        _, runtime = persistence.load(session, info.id)
        assert runtime.workflow.last_task.data["doubled"] == expected


def test_instances_are_stored_without_the_spec(session, users):
    info = workflows.start(session, "statement_review", business_key="size", period="2026-03",
                           variables={"dispute_window": "P10D", "resolution_sla": "P5D"})
    row, _ = persistence.load(session, info.id)
    assert '"spec": "statement_review"' in row.state_json
    assert "task_specs" not in row.state_json
    assert len(row.state_json) < 8000


def test_decimal_and_dates_survive_a_round_trip(session):
    from datetime import date
    from datetime import datetime
    from decimal import Decimal

    variables = {"dispute_window": "P10D", "resolution_sla": "P5D", "amount": Decimal("12.30"),
                 "due": date(2026, 4, 30), "at": datetime(2026, 4, 1, 12, 0)}
    info = workflows.start(session, "statement_review", business_key="types", variables=variables)
    row, runtime = persistence.load(session, info.id)
    data = runtime.workflow.task_tree.data
    assert (data["amount"], data["due"], data["at"]) == (Decimal("12.30"), date(2026, 4, 30),
                                                         datetime(2026, 4, 1, 12, 0))
    assert serializer.loads(serializer.dumps(runtime.workflow), runtime.parsed).task_tree.data["amount"] == \
        Decimal("12.30")


def test_an_unknown_process_is_a_clear_error(session):
    with pytest.raises(workflows.DefinitionNotFound):
        workflows.start(session, "no_such_process", business_key="x")
