"""The OpenAPI document, the docs page, and a schemathesis run against the document that finds no server error."""

import os
from contextlib import contextmanager
from datetime import date

import schemathesis
from flask.ctx import _cv_app
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from schemathesis import GenerationMode
from schemathesis.checks import content_type_conformance
from schemathesis.checks import not_a_server_error
from schemathesis.checks import response_schema_conformance
from schemathesis.checks import status_code_conformance

from app.extensions import db
from app.models import CommissionPeriod
from app.models import PeriodStatus
from app.services import accrual
from app.services.calculation import runner
from app.services.statements import publishing
from tests.app.api.conftest import ALL_SCOPES
from tests.app.api.conftest import issue
from tests.factories import publish_test_plans

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "20"))
OPERATIONS = {("POST", "/api/v1/contracts"), ("POST", "/api/v1/contract-events"), ("POST", "/api/v1/billing-lines"),
              ("GET", "/api/v1/partners"), ("GET", "/api/v1/partners/{partner_id}"), ("GET", "/api/v1/statements"),
              ("GET", "/api/v1/statements/{statement_id}"), ("GET", "/api/v1/accruals")}


def test_the_document_lists_every_operation_with_its_scope(client, network):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.0.3" and document["info"]["title"] == "Mandato API"
    found = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert found == OPERATIONS
    push = document["paths"]["/api/v1/billing-lines"]["post"]
    assert "Scope: `billing:write`." in push["description"]
    assert set(push["responses"]) == {"200", "400", "401", "403", "413", "422"}
    item = document["components"]["schemas"]["BillingLineItem"]
    assert set(item["required"]) == {"billing_line_id", "contract_id", "period_start", "period_end", "volume",
                                     "amount_billed", "fixed_fee_billed", "paid"}
    assert item["properties"]["amount_billed"]["type"] == "string"
    assert item["properties"]["period_start"]["format"] == "date"
    statement = document["components"]["schemas"]["Statement"]["properties"]
    assert statement["gross"]["type"] == "string" and statement["gross"]["pattern"]


def test_the_docs_page_serves_swagger_ui_from_static_files(client, network):
    page = client.get("/api/v1/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "/static/vendor/swagger-ui-bundle.js" in html and 'data-spec-url="/api/v1/openapi.json"' in html
    assert "contracts:write" in html and "https://" not in html


@contextmanager
def _requests_in_their_own_context():
    """Set the test's app context aside while schemathesis calls the app, as each request has its own."""
    outer = _cv_app.get(None)
    if outer is not None:
        outer.pop()
    try:
        yield
    finally:
        if outer is not None:
            outer.push()


def _data_to_read():
    """Published statements of February and an open accrual period, so the read operations return real data."""
    publish_test_plans(db.session)
    runner.run_period(db.session, None, date(2026, 2, 1))
    period = db.session.scalar(db.select(CommissionPeriod).where(CommissionPeriod.month == date(2026, 2, 1)))
    period.status = PeriodStatus.VALIDATED
    publishing.publish(db.session, None, date(2026, 2, 1))
    accrual.rebuild(db.session, date(2026, 3, 1))
    db.session.commit()


def test_schemathesis_finds_no_server_error(app, network):
    _data_to_read()
    headers = {"Authorization": f"Bearer {issue(ALL_SCOPES)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {(op.method.upper(), op.full_path) for op in operations} == OPERATIONS
    calls = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            def call(case):
                with _requests_in_their_own_context():
                    response = case.call(headers=headers)
                case.validate_response(response, checks=checks)
                calls.append(response.status_code)

            call()
    assert len(calls) >= len(operations) * 2
    assert not [status for status in calls if status >= 500]
