"""The role and scope check of every route: route × role × own/other partner.

The expected outcome is written out here, independently of the decorators, so a guard that is loosened or
forgotten fails a test. A route that is added without a row here fails ``test_every_route_is_in_the_matrix``.
"""

from datetime import date

import pytest

from app.extensions import db
from app.models import ImportBatch
from app.services import plans

STAFF = ["admin", "backoffice", "lead", "sales", "finance", "auditor"]
USERS = STAFF + ["agente"]
ALL = set(USERS)
EDITORS = {"admin", "backoffice", "lead"}
IMPORT_VIEWERS = EDITORS | {"finance", "auditor"}
REPORT_VIEWERS = {"admin", "lead", "finance", "auditor"}
SETTINGS_MANAGERS = {"admin", "finance"}
BATCH_READERS = {"admin", "backoffice", "lead", "finance", "auditor"}
INVOICE_READERS = BATCH_READERS | {"agente"}

# endpoint -> (method, path template, who may call it, scoped to the partner's downline)
# "{partner}" / "{contract}" are filled with the partner user's own (A1A, in its downline) or another's (B1).
MATRIX = {
    "dashboard.index": ("GET", "/", ALL, False),
    "network.partner_list": ("GET", "/partners", ALL, False),
    "network.tree": ("GET", "/network", ALL, False),
    "network.children": ("GET", "/partners/{partner}/children", ALL, True),
    "network.partner_detail": ("GET", "/partners/{partner}", ALL, True),
    "network.partner_edit": ("GET", "/partners/{partner}/edit", EDITORS, True),
    "network.partner_move": ("POST", "/partners/{partner}/move", {"admin", "backoffice"}, True),
    "network.fiscal_profiles": ("GET", "/partners/{partner}/fiscal-profiles", EDITORS, True),
    "network.contract_list": ("GET", "/contracts", ALL, False),
    "network.contract_detail": ("GET", "/contracts/{contract}", ALL, True),
    "audit.index": ("GET", "/audit/", {"auditor", "admin"}, False),
    "accruals.index": ("GET", "/accruals/", {"admin", "lead", "sales", "finance", "agente"}, False),
    "accruals.partner": ("GET", "/accruals/partners/{partner}", {"admin", "lead", "sales", "finance", "agente"}, True),
    "auth.logout": ("POST", "/logout", ALL, False),
    "plans.index": ("GET", "/plans/", set(STAFF), False),
    "plans.new": ("GET", "/plans/new", {"admin", "sales"}, False),
    "plans.validate": ("POST", "/plans/validate", {"admin", "sales"}, False),
    "plans.upload": ("GET", "/plans/upload", {"admin", "sales"}, False),
    "plans.partner_options": ("GET", "/plans/partner-options?partner_code=ro", {"admin", "sales"}, False),
    "plans.version_detail": ("GET", "/plans/{plan}/v1", set(STAFF), False),
    "plans.download": ("GET", "/plans/{plan}/v1.yaml", set(STAFF), False),
    "plans.diff": ("GET", "/plans/{plan}/diff", set(STAFF), False),
    "plans.edit": ("GET", "/plans/{plan}/edit", {"admin", "sales"}, False),
    "plans.publish": ("POST", "/plans/{plan}/v1/publish", {"admin", "sales"}, False),
    "plans.assignments": ("GET", "/plans/{plan}/assignments", set(STAFF), False),
    "plans.end_assignment": ("POST", "/plans/{plan}/assignments/{assignment}/end", {"admin", "sales"}, False),
    "runs.index": ("GET", "/runs/", set(STAFF), False),
    "runs.calculate": ("GET", "/runs/calculate", {"admin", "backoffice", "lead"}, False),
    "runs.period": ("GET", "/runs/2026-02", set(STAFF), False),
    "runs.progress": ("GET", "/runs/2026-02/progress", set(STAFF), False),
    "runs.compare": ("GET", "/runs/2026-02/compare", set(STAFF), False),
    "runs.partner_lines": ("GET", "/runs/2026-02/partners/{partner}", ALL, True),
    "imports.index": ("GET", "/imports/", IMPORT_VIEWERS, False),
    "imports.upload": ("GET", "/imports/billing_lines/upload", EDITORS, False),
    "imports.layout": ("GET", "/imports/billing_lines/layout", IMPORT_VIEWERS, False),
    "imports.template": ("GET", "/imports/billing_lines/template.xlsx", IMPORT_VIEWERS, False),
    "imports.batch": ("GET", "/imports/batches/{batch}", IMPORT_VIEWERS, False),
    "imports.batch_progress": ("GET", "/imports/batches/{batch}/progress", IMPORT_VIEWERS, False),
    "imports.problems_csv": ("GET", "/imports/batches/{batch}/problems.csv", IMPORT_VIEWERS, False),
    "imports.start": ("POST", "/imports/batches/{batch}/import", EDITORS, False),
    "salesforce.index": ("GET", "/salesforce/", IMPORT_VIEWERS, False),
    "salesforce.connection_settings": ("GET", "/salesforce/connection", {"admin"}, False),
    "salesforce.mapping_edit": ("GET", "/salesforce/mappings/contracts", {"admin"}, False),
    "salesforce.sync_now": ("POST", "/salesforce/syncs", EDITORS, False),
    "salesforce.sync_detail": ("GET", "/salesforce/syncs/{sync}", IMPORT_VIEWERS, False),
    "salesforce.sync_progress": ("GET", "/salesforce/syncs/{sync}/progress", IMPORT_VIEWERS, False),
    "reports.enasarco": ("GET", "/reports/enasarco?year=2026&quarter=4", REPORT_VIEWERS, False),
    "reports.firr": ("GET", "/reports/firr.xlsx?year=2026", REPORT_VIEWERS, False),
    "reports.withholding": ("GET", "/reports/withholding.csv?month=2026-03", REPORT_VIEWERS, False),
    "settings.index": ("GET", "/settings/", SETTINGS_MANAGERS, False),
    "settings.setting": ("GET", "/settings/dispute_window_days", SETTINGS_MANAGERS, False),
    "settings.principal": ("GET", "/settings/principal", SETTINGS_MANAGERS, False),
    "settings.mappings": ("GET", "/settings/accounting", SETTINGS_MANAGERS, False),
    "settings.mapping": ("GET", "/settings/accounting/gl_account/one_off", SETTINGS_MANAGERS, False),
    "settings.mapping_delete": ("POST", "/settings/accounting/gl_account/one_off/delete", SETTINGS_MANAGERS, False),
    "inbox.index": ("GET", "/inbox/", ALL, False),
    "inbox.count": ("GET", "/inbox/count", ALL, False),
    "inbox.start_cycle": ("GET", "/inbox/start", {"admin", "backoffice"}, False),
    "inbox.task": ("GET", "/inbox/tasks/{task}", {"backoffice"}, False),
    "inbox.claim": ("POST", "/inbox/tasks/{task}/claim", {"backoffice"}, False),
    "inbox.release": ("POST", "/inbox/tasks/{task}/release", {"backoffice"}, False),
    "inbox.processes": ("GET", "/processes/", set(STAFF), False),
    "inbox.process": ("GET", "/processes/{instance}", set(STAFF), False),
    "inbox.diagram": ("GET", "/processes/{instance}/diagram.bpmn", set(STAFF), False),
    "inbox.retry": ("POST", "/processes/{instance}/retry", {"admin"}, False),
    "inbox.history": ("GET", "/processes/history", {"auditor", "admin"}, False),
    "statements.period": ("GET", "/statements/2026-02", set(STAFF), False),
    "statements.detail": ("GET", "/statements/2026-02/partners/{partner}", ALL, True),
    "statements.workbook": ("GET", "/statements/2026-02/partners/{partner}.xlsx", ALL, True),
    "statements.pdf": ("GET", "/statements/2026-02/partners/{partner}.pdf", ALL, True),
    "statements.answer_carried": ("POST", "/statements/2026-02/partners/{partner}/carried-disputes",
                                  {"backoffice", "lead"}, True),
    "statements.attachment": ("GET", "/statements/disputes/{dispute}/attachment",
                              {"admin", "backoffice", "lead", "auditor", "agente"}, True),
    "notifications.index": ("GET", "/notifications/", ALL, False),
    "notifications.count": ("GET", "/notifications/count", ALL, False),
    "notifications.read": ("POST", "/notifications/0/read", ALL, False),
    "notifications.read_all": ("POST", "/notifications/read-all", ALL, False),
    "batches.index": ("GET", "/batches/", BATCH_READERS, False),
    "batches.detail": ("GET", "/batches/{invoice_batch}", BATCH_READERS, False),
    "invoices.index": ("GET", "/invoices/?period=2026-02", INVOICE_READERS, False),
    "invoices.download": ("GET", "/invoices/{invoice}.pdf", INVOICE_READERS, True),
    "invoices.send": ("POST", "/invoices/batches/{invoice_batch}/send", SETTINGS_MANAGERS, False),
    "exports.export": ("POST", "/exports/batches/{trail_batch}", SETTINGS_MANAGERS, False),
    "exports.download": ("GET", "/exports/batches/{trail_exported}.csv", SETTINGS_MANAGERS | {"auditor"}, False),
    "trail.index": ("GET", "/trail/?q=A1", {"auditor", "admin"}, False),
    "trail.invoice": ("GET", "/trail/invoices/{trail_invoice}", {"auditor", "admin"}, False),
    "trail.section": ("GET", "/trail/invoices/{trail_invoice}/lines", {"auditor", "admin"}, False),
    "trail.source": ("GET", "/trail/sources/contract/{contract}", {"auditor", "admin"}, False),
    "api_tokens.index": ("GET", "/admin/api-tokens/", {"admin"}, False),
    "api_tokens.revoke": ("POST", "/admin/api-tokens/{api_token}/revoke", {"admin"}, False),
}
PUBLIC = {"auth.login", "auth.language", "healthz", "favicon", "static"}
# The REST API (/api/v1) authenticates by bearer token and scope, never by session: its routes are checked by
# test_api_routes_answer_401_without_a_token here and by tests/app/api/ (scopes, partner tokens, revocation).
API_PUBLIC = {"api.openapi_json", "api.docs", "api.unknown_path"}


def _api_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - PUBLIC - _api_endpoints(app) == set(MATRIX)


def test_api_routes_answer_401_without_a_token(app, client, auth, network):
    from app.services.api_tokens import SCOPES

    guarded = _api_endpoints(app) - API_PUBLIC
    assert guarded, "no token-guarded API route found"
    auth.login("admin")  # a session cookie opens no API route
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in guarded:
            continue
        assert app.view_functions[rule.endpoint].required_scope in SCOPES, rule.endpoint
        url = rule.rule.replace("<int:partner_id>", "1").replace("<int:statement_id>", "1")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method, json={})
            assert response.status_code == 401, (method, url)
            assert response.get_json()["errors"][0]["code"] == "unauthorized"
    for endpoint in API_PUBLIC:
        assert app.view_functions[endpoint].allowed_roles is None


def test_every_view_declares_a_policy(app):
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        if endpoint.startswith("api."):
            if endpoint in API_PUBLIC:
                assert view.allowed_roles is None
            else:
                assert getattr(view, "required_scope", None), f"{endpoint} has no @token_required"
            continue
        assert hasattr(view, "allowed_roles"), f"{endpoint} has no @requires or @public"
        if endpoint in PUBLIC:
            assert view.allowed_roles is None
        else:
            assert view.allowed_roles, f"{endpoint} allows nobody"


def _url(template: str, network, scope: str) -> str:
    partner = network.partners["A1A" if scope == "own" else "B1"]
    contract = network.contracts["C-A1A" if scope == "own" else "C-B1"]
    _validated_period(template)
    _published_statements(template)
    return template.format(partner=partner, contract=contract, **_plan_objects(template),
                           **_batch_objects(template), **_cycle_objects(template),
                           **_invoice_batch_objects(template), **_invoice_objects(template, partner),
                           **_trail_objects(template), **_salesforce_objects(template),
                           **_dispute_objects(template, partner), **_api_token_objects(template))


def _api_token_objects(template: str) -> dict:
    """Fill "{api_token}": an active API token."""
    if "{api_token}" not in template:
        return {}
    from app.services import api_tokens

    issued = api_tokens.create(db.session, None, "permission", ["partners:read"])
    db.session.commit()
    return {"api_token": issued.token.id}


def _dispute_objects(template: str, partner_id: int) -> dict:
    """Fill "{dispute}": a dispute with an attachment on the partner's published statement of February 2026."""
    if "{dispute}" not in template:
        return {}
    from app.models import Dispute
    from app.models import Statement
    from app.models import User

    statement = db.session.scalar(db.select(Statement).where(Statement.partner_id == partner_id))
    raiser = db.session.scalar(db.select(User.id).where(User.username == "agente"))
    dispute = Dispute(statement_id=statement.id, reason="permission check", raised_by=raiser,
                      attachment_name="proof.pdf", attachment=b"%PDF-1.4 proof")
    db.session.add(dispute)
    db.session.commit()
    return {"dispute": dispute.id}


def _validated_period(template: str) -> None:
    """Partners see a period's lines once it is validated: make February 2026 so for the lines page."""
    if "/partners/" not in template or not template.startswith("/runs/2026-02"):
        return
    from app.models import CommissionPeriod
    from app.models import PeriodStatus

    db.session.add(CommissionPeriod(month=date(2026, 2, 1), status=PeriodStatus.VALIDATED))
    db.session.commit()


def _published_statements(template: str) -> None:
    """Statements exist once a validated period is published: publish February 2026 for the statement pages."""
    if not template.startswith("/statements/"):
        return
    from app.models import CommissionPeriod
    from app.models import PeriodStatus
    from app.services.calculation import runner
    from app.services.statements import publishing
    from tests.factories import publish_test_plans

    publish_test_plans(db.session)
    runner.run_period(db.session, None, date(2026, 2, 1))
    period = db.session.scalar(db.select(CommissionPeriod).where(CommissionPeriod.month == date(2026, 2, 1)))
    period.status = PeriodStatus.VALIDATED
    publishing.publish(db.session, None, date(2026, 2, 1))
    db.session.commit()


def _cycle_objects(template: str) -> dict:
    """Fill "{task}" / "{instance}": the cycle of a period waiting on its back-office "load data" task."""
    if "{task}" not in template and "{instance}" not in template:
        return {}
    import workflows
    from app.models import User
    from app.services import cycle

    backoffice = db.session.scalar(db.select(User).where(User.username == "backoffice"))
    info = cycle.start_cycle(db.session, backoffice, date(2026, 2, 1))
    db.session.commit()
    [task] = workflows.ready_tasks(db.session, instance_id=info.id)
    return {"task": task.id, "instance": info.id}


def _invoice_batch_objects(template: str) -> dict:
    """Fill "{invoice_batch}": an empty draft invoice batch of a validated period."""
    if "{invoice_batch}" not in template:
        return {}
    from app.models import CommissionPeriod
    from app.models import InvoiceBatch
    from app.models import PeriodStatus

    period = CommissionPeriod(month=date(2026, 3, 1), status=PeriodStatus.VALIDATED)
    db.session.add(period)
    db.session.flush()
    batch = InvoiceBatch(period_id=period.id)
    db.session.add(batch)
    db.session.commit()
    return {"invoice_batch": batch.id}


def _invoice_objects(template: str, partner_id: int) -> dict:
    """Fill "{invoice}": the partner's issued invoice of February 2026, its PDF stored."""
    if "{invoice}" not in template:
        return {}
    from tests.app.services.invoicing.batches import approved_batch
    from tests.app.services.invoicing.batches import publish_february

    statements = [s for s in publish_february(_network_of(partner_id)) if s.partner_id == partner_id]
    batch = approved_batch(statements)
    [invoice] = batch.invoices
    invoice.year, invoice.number, invoice.pdf, invoice.pdf_sha256 = 2026, 1, b"%PDF-1.4 permission", "0" * 64
    db.session.commit()
    return {"invoice": invoice.id}


def _network_of(partner_id: int):
    from app.models import Partner
    from tests.factories import Network

    return Network(partners={p.code: p.id for p in db.session.scalars(db.select(Partner))})


def _trail_objects(template: str) -> dict:
    """Fill "{trail_batch}" / "{trail_exported}" / "{trail_invoice}": an issued batch of February 2026 with its
    mappings (exported for "{trail_exported}") and its first invoice."""
    if "{trail_" not in template:
        return {}
    from app.services import accounting_export
    from tests.app.trail.batches import issued_batch

    batch = issued_batch(db.session)
    if "{trail_exported}" in template:
        accounting_export.export_batch(db.session, None, batch)
        db.session.commit()
    return {"trail_batch": batch.id, "trail_exported": batch.id, "trail_invoice": batch.invoices[0].id}


PERMISSION_PLAN = """
plan_id: perm-plan
version: 1
name: Permission plan
valid_from: 2026-01-01
components:
  - {kind: one_off, id: activation, rate_table: [{amount: "50.00"}]}
"""


def _salesforce_objects(template: str) -> dict:
    """Fill "{sync}": a finished Salesforce sync."""
    if "{sync}" not in template:
        return {}
    from app.models import SalesforceSync

    sync = SalesforceSync(trigger="scheduled", status="succeeded")
    db.session.add(sync)
    db.session.commit()
    return {"sync": sync.id}


def _batch_objects(template: str) -> dict:
    """Fill "{batch}": an imported batch (importing it again is refused with a redirect)."""
    if "{batch}" not in template:
        return {}
    batch = ImportBatch(source="billing_lines", file_name="permission.csv", sha256="0" * 64, status="imported")
    db.session.add(batch)
    db.session.commit()
    return {"batch": batch.id}


def _plan_objects(template: str) -> dict:
    """Fill "{plan}" / "{assignment}": a draft plan with one assignment, made only for the rows that need one."""
    if "{plan}" not in template:
        return {}
    version, _ = plans.import_yaml(db.session, None, PERMISSION_PLAN)
    assignment = plans.assign(db.session, None, version.plan, date(2026, 1, 1), group="agent")
    db.session.commit()
    return {"plan": version.plan.code, "assignment": assignment.id}


@pytest.mark.parametrize("scope", ["own", "other"])
@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_route_role_scope(client, auth, network, endpoint, username, scope):
    method, template, allowed, scoped = MATRIX[endpoint]
    auth.login(username)
    url = _url(template, network, scope)
    if method == "GET":
        response = client.get(url)
    else:
        data = {"csrf_token": auth.csrf(), "valid_from": "2026-10-01", "new_parent_code": "AGA"}
        response = client.post(url, data=data)
    may = username in allowed and not (scoped and username == "agente" and scope == "other")
    if may:
        assert response.status_code in (200, 303), response.get_data(as_text=True)[:300]
    else:
        assert response.status_code == 403


def test_partner_list_shows_only_the_downline(client, auth, network):
    auth.login("agente")
    page = client.get("/partners").get_data(as_text=True)
    assert "Luca Bianchi" in page and "Mario Rossi" in page
    assert "Paolo Neri" not in page and "Agenzia Alfa" not in page


def test_contract_list_shows_only_the_downline(client, auth, network):
    auth.login("agente")
    page = client.get("/contracts").get_data(as_text=True)
    assert "C-A1A" in page and "C-A1" in page
    assert "C-B1" not in page


def test_agency_sees_its_whole_downline_in_the_tree(client, auth, network):
    auth.login("agenzia")
    page = client.get(f"/partners/{network.partners['A1']}/children?as_of=2026-03-01").get_data(as_text=True)
    assert "Luca Bianchi" in page
    assert client.get(f"/partners/{network.partners['AGB']}").status_code == 403


def test_unknown_partner_is_404_for_staff(client, auth, network):
    auth.login("backoffice")
    assert client.get("/partners/999999").status_code == 404
