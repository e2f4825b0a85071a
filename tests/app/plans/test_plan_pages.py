"""A sales manager designs a plan without IT: YAML with validation that names the bad value, a draft, publishing,
an assignment to a group, a second version and its diff; published versions never change; others only read."""

from datetime import date
from io import BytesIO

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry
from app.models import PlanAssignment
from app.models import PlanStatus
from app.plans.starters import COMPONENTS as STARTERS
from app.plans.starters import starter
from tests.app.plans.conftest import BAD_AMOUNT
from tests.app.plans.conftest import BAD_SYNTAX
from tests.app.plans.conftest import GOOD
from tests.app.plans.conftest import stored


def test_sales_manager_designs_versions_and_assigns_a_plan(editor, client):
    assert "plan_id: new-plan" in client.get("/plans/new?starter=recurring").get_data(as_text=True)

    bad = editor.post("/plans/new", {"source": BAD_AMOUNT}, htmx=True)
    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    assert body.lstrip().startswith('<form id="plan-editor"')
    assert "components[2].rate_table[1].amount: not an amount" in body
    assert stored("agents-2026", 1) is None

    saved = editor.post("/plans/new", {"source": GOOD}, htmx=True)
    assert saved.status_code == 204
    assert saved.headers["HX-Redirect"] == "/plans/agents-2026/v1"
    draft = stored("agents-2026", 1)
    assert draft.status == PlanStatus.DRAFT and draft.source_yaml == GOOD

    page = client.get("/plans/agents-2026/v1").get_data(as_text=True)
    assert 'data-status="draft"' in page
    assert "90,00 €" in page and "150,00 €" in page and "0,004" in page  # the rate tables, read in Italian
    assert 'id="component-installation"' in page

    published = editor.post("/plans/agents-2026/v1/publish")
    assert published.status_code == 303 and published.headers["Location"] == "/plans/agents-2026/v1"
    assert stored("agents-2026", 1).status == PlanStatus.PUBLISHED

    assigned = editor.post("/plans/agents-2026/assignments", {"group": "agent", "valid_from": "2026-01-01"})
    assert assigned.status_code == 303
    assignment = db.session.scalar(select(PlanAssignment))
    assert (assignment.partner_group, assignment.partner_id, assignment.valid_from) == ("agent", None, date(2026, 1, 1))

    prefilled = client.get("/plans/agents-2026/edit").get_data(as_text=True)
    assert "version: 2" in prefilled and "label: Gettone attivazione" in prefilled
    second = GOOD.replace("version: 1", "version: 2").replace("valid_from: 2026-01-01", "valid_from: 2026-04-01")
    second = second.replace('amount: "50.00"', 'amount: "55.00"')
    assert editor.post("/plans/agents-2026/edit", {"source": second}).status_code == 303
    assert stored("agents-2026", 2).status == PlanStatus.DRAFT

    diff = client.get("/plans/agents-2026/diff").get_data(as_text=True)
    assert '<del style="white-space: pre">      - amount: &#34;50.00&#34;</del>' in diff
    assert '<ins style="white-space: pre">      - amount: &#34;55.00&#34;</ins>' in diff
    assert "<del style=\"white-space: pre\">valid_from: 2026-01-01</del>" in diff

    assert editor.post("/plans/agents-2026/v2/publish").status_code == 303
    first, latest = stored("agents-2026", 1), stored("agents-2026", 2)
    assert latest.status == PlanStatus.PUBLISHED
    assert first.valid_to == date(2026, 4, 1)  # v2 takes over from its first day
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count("plan.published") == 2 and "plan.assigned" in actions
    assert "plan.version_ended" in actions and actions.count("plan.imported") == 2


def test_yaml_syntax_errors_give_line_and_column_on_demand(editor):
    response = editor.post("/plans/validate", {"source": BAD_SYNTAX}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith('<div id="yaml-check"')
    assert "line 3, column 13: mapping values are not allowed here" in body
    ok = editor.post("/plans/validate", {"source": GOOD}, htmx=True).get_data(as_text=True)
    assert 'data-valid="true"' in ok and "agents-2026" in ok and 'id="component-consumption"' in ok


def test_a_published_version_never_changes(editor):
    editor.post("/plans/new", {"source": GOOD})
    editor.post("/plans/agents-2026/v1/publish")
    changed = GOOD.replace('amount: "50.00"', 'amount: "45.00"')
    response = editor.post("/plans/agents-2026/edit", {"source": changed}, htmx=True)
    assert response.status_code == 422
    assert "version: agents-2026 v1 is published and cannot change; number the change as version 2" in \
        response.get_data(as_text=True)
    assert stored("agents-2026", 1).source_yaml == GOOD
    check = editor.post("/plans/validate?plan=agents-2026", {"source": changed}, htmx=True)
    assert check.status_code == 200 and "v1 is published and cannot change" in check.get_data(as_text=True)
    again = editor.post("/plans/agents-2026/v1/publish")
    assert again.status_code == 303 and stored("agents-2026", 1).status == PlanStatus.PUBLISHED
    skipping = GOOD.replace("version: 1", "version: 3")
    assert "the next version of agents-2026 is 2" in editor.post(
        "/plans/agents-2026/edit", {"source": skipping}).get_data(as_text=True)


def test_a_new_version_must_start_after_the_one_it_follows(editor):
    editor.post("/plans/new", {"source": GOOD})
    editor.post("/plans/agents-2026/v1/publish")
    same_start = GOOD.replace("version: 1", "version: 2")
    editor.post("/plans/agents-2026/edit", {"source": same_start})
    response = editor.post("/plans/agents-2026/v2/publish", follow_redirects=True)
    assert "valid_from: overlaps the published v1" in response.get_data(as_text=True)
    assert stored("agents-2026", 2).status == PlanStatus.DRAFT and stored("agents-2026", 1).valid_to is None


def test_new_plan_page_refuses_an_existing_code(editor):
    editor.post("/plans/new", {"source": GOOD})
    response = editor.post("/plans/new", {"source": GOOD.replace("version: 1", "version: 2")}, htmx=True)
    assert response.status_code == 422
    assert "plan_id: plan &#39;agents-2026&#39; already exists" in response.get_data(as_text=True)


def test_finance_reads_but_cannot_edit(client, auth, editor):
    editor.post("/plans/new", {"source": GOOD})
    auth.logout()
    auth.login("finance")
    token = auth.csrf("/plans/")
    assert "agents-2026" in client.get("/plans/?q=agents").get_data(as_text=True)
    assert client.get("/plans/agents-2026/v1").status_code == 200
    assert client.get("/plans/agents-2026/assignments").status_code == 200
    for url, data in (("/plans/new", {"source": GOOD}), ("/plans/agents-2026/v1/publish", {}),
                      ("/plans/agents-2026/edit", {"source": GOOD}),
                      ("/plans/agents-2026/assignments", {"group": "agent", "valid_from": "2026-01-01"})):
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 403, url
    assert stored("agents-2026", 1).status == PlanStatus.DRAFT
    assert db.session.scalar(select(PlanAssignment)) is None


def test_download_and_upload_yaml(editor, client):
    editor.post("/plans/new", {"source": GOOD})
    download = client.get("/plans/agents-2026/v1.yaml")
    assert download.headers["Content-Disposition"] == "attachment; filename=agents-2026-v1.yaml"
    assert download.get_data(as_text=True) == GOOD

    text = GOOD.replace("version: 1", "version: 2").replace("2026-01-01", "2026-05-01")
    uploaded = editor.post("/plans/upload", {"file": (BytesIO(text.encode()), "agents.yaml")},
                           content_type="multipart/form-data")
    assert uploaded.status_code == 303 and uploaded.headers["Location"] == "/plans/agents-2026/v2"
    assert stored("agents-2026", 2).status == PlanStatus.DRAFT

    bad = editor.post("/plans/upload", {"file": (BytesIO(BAD_AMOUNT.encode()), "bad.yaml")},
                      content_type="multipart/form-data", htmx=True)
    assert bad.status_code == 422 and bad.get_data(as_text=True).lstrip().startswith('<form id="upload-form"')
    assert "components[2].rate_table[1].amount: not an amount" in bad.get_data(as_text=True)


def test_assign_to_a_partner_and_end_it(editor, client, network):
    editor.post("/plans/new", {"source": GOOD})
    options = client.get("/plans/partner-options?partner_code=rossi", headers={"HX-Request": "true"})
    assert '<option value="A1">' in options.get_data(as_text=True)

    both = editor.post("/plans/agents-2026/assignments",
                       {"partner_code": "A1", "group": "agent", "valid_from": "2026-01-01"}, htmx=True)
    assert both.status_code == 422 and both.get_data(as_text=True).lstrip().startswith('<form id="assignment-form"')
    unknown = editor.post("/plans/agents-2026/assignments", {"partner_code": "ZZ9", "valid_from": "2026-01-01"})
    assert unknown.status_code == 422 and "ZZ9" in unknown.get_data(as_text=True)

    ok = editor.post("/plans/agents-2026/assignments", {"partner_code": "a1", "valid_from": "2026-01-01"}, htmx=True)
    assert ok.status_code == 204 and ok.headers["HX-Redirect"] == "/plans/agents-2026/assignments"
    assignment = db.session.scalar(select(PlanAssignment))
    assert assignment.partner_id == network.partners["A1"]

    early = editor.post(f"/plans/agents-2026/assignments/{assignment.id}/end", {"valid_to": "2025-12-01"},
                        follow_redirects=True)
    assert "assignment.valid_to: must be after 2026-01-01" in early.get_data(as_text=True)
    ended = editor.post(f"/plans/agents-2026/assignments/{assignment.id}/end", {"valid_to": "2026-07-01"})
    assert ended.status_code == 303
    db.session.expire_all()
    assert db.session.get(PlanAssignment, assignment.id).valid_to == date(2026, 7, 1)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "plan.assignment_ended"))
    assert entry.after == {"assignment": assignment.id, "valid_to": "2026-07-01"}


def test_every_starter_is_a_valid_plan(editor):
    for kind in STARTERS:
        page = editor.client.get(f"/plans/new?starter={kind}")
        assert page.status_code == 200 and f"kind: {kind}" in page.get_data(as_text=True)
        check = editor.post("/plans/validate", {"source": starter(kind, "2026-04-01")}, htmx=True)
        assert 'data-valid="true"' in check.get_data(as_text=True), kind
