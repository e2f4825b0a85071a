"""BPMN scripts and conditions run in the restricted evaluator: escapes fail clearly and stop the instance."""

from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

import workflows
from tests.workflows.conftest import DATA
from tests.workflows.conftest import task_for
from workflows import specs

ESCAPES = [
    ("().__class__.__bases__", "attribute access is not allowed"),
    ("__import__('os')", "names starting with '_' are not allowed"),
    ("open('/etc/passwd')", "function 'open' is not allowed"),
    ("__builtins__", "names starting with '_' are not allowed"),
    ("(lambda: 1)()", "lambda is not allowed"),
    ("[x for x in (1, 2)]", "comprehensions are not allowed"),
]


def _variant(tmp_path: Path, condition: str | None = None, script: str | None = None) -> None:
    content = (DATA / "restricted_scripts.bpmn").read_text()
    if condition is not None:
        content = content.replace(">doubled &gt; 100<", f">{escape(condition)}<")
    if script is not None:
        content = content.replace(">doubled = amount * 2<", f">{escape(script)}<")
    (tmp_path / "restricted_scripts.bpmn").write_text(content)
    specs.add_directory(tmp_path)


@pytest.fixture
def variant_dir(tmp_path):
    yield tmp_path
    specs.remove_directory(tmp_path)


def _run(session, users, amount, key="r1"):
    info = workflows.start(session, "restricted_scripts", business_key=key)
    task = task_for(session, users["backoffice"], "enter_amount", info.id)
    return workflows.complete_task(session, task.id, users["backoffice"], {"amount": amount})


def test_a_good_condition_routes_by_the_script_result(session, users):
    large = _run(session, users, 60, "large")
    small = _run(session, users, Decimal("40.5"), "small")
    assert large.status == "running"
    assert task_for(session, users["finance"], "approve_large", large.id)
    assert small.status == "completed"


@pytest.mark.parametrize(("escape_text", "message"), ESCAPES, ids=[e[0] for e in ESCAPES])
def test_escapes_in_a_gateway_condition_fail_and_stop_the_instance(session, users, variant_dir, escape_text,
                                                                    message):
    _variant(variant_dir, condition=escape_text)
    info = _run(session, users, 60)
    session.commit()
    assert info.status == "error"
    assert info.error_task == "large_gateway"
    assert "condition of 'Large amount? (large_gateway)' failed" in info.error_message
    assert message in info.error_message
    errors = [e for e in workflows.history(session, info.id) if e.event_type == "error"]
    assert errors and message in errors[0].data["message"]


@pytest.mark.parametrize(("escape_text", "message"), ESCAPES, ids=[e[0] for e in ESCAPES])
def test_escapes_in_a_script_task_fail_and_stop_the_instance(session, users, variant_dir, escape_text, message):
    _variant(variant_dir, script=f"doubled = {escape_text}")
    info = _run(session, users, 60)
    assert info.status == "error"
    assert info.error_task == "double_amount"
    assert "script of 'Double amount (double_amount)' failed" in info.error_message
    assert message in info.error_message


def test_an_import_statement_in_a_script_is_refused(session, users, variant_dir):
    _variant(variant_dir, script="import os\ndoubled = 1")
    info = _run(session, users, 60)
    assert info.status == "error" and "import is not allowed" in info.error_message


def test_a_fixed_definition_is_retried_from_the_failed_step(session, users, variant_dir):
    _variant(variant_dir, script="doubled = amount * two")
    info = _run(session, users, 60)
    assert info.status == "error" and "name 'two' is not defined" in info.error_message
    retried = workflows.retry(session, info.id, users["admin"])  # the instance keeps its version: fails again
    assert retried.status == "error"
    with pytest.raises(workflows.NotAllowed):
        workflows.retry(session, info.id, users["backoffice"])
