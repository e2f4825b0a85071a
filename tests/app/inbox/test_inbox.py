"""The inbox: scoped to my roles and partner, filters, claim and release, the count badge, a task completed
twice, a wrong role, the process page with its diagram, the history search and the admins' retry."""

import workflows
from app.extensions import db
from app.services import cycle
from tests.app.inbox.conftest import MONTH
from tests.app.inbox.conftest import PERIOD
from tests.app.inbox.conftest import cycle_to_reviews


def test_each_user_sees_only_the_tasks_of_their_roles_and_partner(planned, actor, traveller):
    cycle_to_reviews(actor("backoffice").user)
    agente, finance, backoffice = actor("agente"), actor("finance"), actor("backoffice")
    page = agente.get("/inbox/").get_data(as_text=True)
    assert page.count('data-testid="task-row"') == 1
    assert f"{PERIOD}/partner-{planned.partners['A1']}" in page
    assert f"partner-{planned.partners['A1A']}" not in page  # its sub-agent's review is not its own
    assert agente.get("/inbox/count").get_data(as_text=True).count(">1<") == 1
    assert 'data-testid="task-row"' not in finance.get("/inbox/").get_data(as_text=True)
    assert 'data-testid="task-row"' not in backoffice.get("/inbox/").get_data(as_text=True)
    other = actor("altro").task("review_statement")
    assert agente.get(f"/inbox/tasks/{other.id}").status_code == 403
    assert agente.post(f"/inbox/tasks/{other.id}", {"decision": "accept"}).status_code == 403


def test_filters_claim_release_and_a_wrong_role(planned, actor, traveller):
    backoffice, finance = actor("backoffice"), actor("finance")
    assert backoffice.post("/inbox/start", {"month": PERIOD}).status_code == 303
    load = backoffice.task("load_data")
    assert 'data-testid="task-row"' in backoffice.get("/inbox/?process_id=commission_cycle&period=2026-02").text
    assert 'data-testid="task-row"' not in backoffice.get("/inbox/?process_id=statement_review").text
    fragment = backoffice.get("/inbox/?period=2030-01", headers={"HX-Request": "true"})
    assert fragment.text.startswith('<div id="task-list"') and "Vary" in fragment.headers

    assert finance.get(f"/inbox/tasks/{load.id}").status_code == 403
    assert finance.post(f"/inbox/tasks/{load.id}/claim").status_code == 403

    response = backoffice.post(f"/inbox/tasks/{load.id}/claim")
    assert response.status_code == 303
    assert workflows.get_task(db.session, load.id).claimed_by == backoffice.user_id
    assert "Backoffice" in backoffice.get("/inbox/").text
    admin_view = actor("lead")  # the lead does not hold the back-office role: not its task
    assert admin_view.post(f"/inbox/tasks/{load.id}/release").status_code == 403
    assert backoffice.post(f"/inbox/tasks/{load.id}/release").status_code == 303
    assert workflows.get_task(db.session, load.id).claimed_by is None
    assert backoffice.get("/inbox/start").status_code == 200
    assert finance.get("/inbox/start").status_code == 403


def test_a_task_completed_twice_says_who_did_it_and_when(planned, app, actor, traveller):
    first, second = actor("backoffice"), actor("backoffice")
    first.post("/inbox/start", {"month": PERIOD})
    load = first.task("load_data")
    second_page = second.get(f"/inbox/tasks/{load.id}")
    assert second_page.status_code == 200
    assert first.post(f"/inbox/tasks/{load.id}", {"note": "done"}).status_code == 303
    response = second.post(f"/inbox/tasks/{load.id}", {"note": "done too"}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Backoffice" in text and "05/03/2026 10:00" in text  # 09:00 UTC shown in Rome time
    assert ("Already done by" in text) or ("Già completato da" in text)
    page = second.get(f"/inbox/tasks/{load.id}").get_data(as_text=True)
    assert 'data-testid="not-open"' in page and 'id="task-form"' not in page


def test_process_page_diagram_history_and_retry(planned, actor, traveller):
    backoffice, admin, auditor = actor("backoffice"), actor("admin"), actor("auditor")
    info = cycle.start_cycle(db.session, backoffice.user, MONTH)
    db.session.commit()
    page = backoffice.get(f"/processes/{info.id}").get_data(as_text=True)
    assert 'id="diagram"' in page and "load_data" in page and "bpmn-navigated-viewer" in page
    xml = backoffice.get(f"/processes/{info.id}/diagram.bpmn")
    assert xml.mimetype == "application/xml" and b'id="validate_calculation"' in xml.data
    assert info.business_key in backoffice.get("/processes/").text

    # the calculation fails (period approved and locked): the instance is in error, an admin retries
    backoffice.complete("load_data")
    from app.models import CommissionPeriod
    from app.models import PeriodStatus

    db.session.add(CommissionPeriod(month=MONTH, status=PeriodStatus.APPROVED))
    db.session.commit()
    from tests.app.inbox.conftest import run_jobs

    run_jobs()
    assert workflows.get_instance(db.session, info.id).status == "error"
    page = admin.get(f"/processes/{info.id}").get_data(as_text=True)
    assert "locked" in page and "/retry" in page
    assert "/retry" not in backoffice.get(f"/processes/{info.id}").text
    assert backoffice.post(f"/processes/{info.id}/retry").status_code == 403
    period = db.session.query(CommissionPeriod).filter_by(month=MONTH).one()
    period.status = PeriodStatus.OPEN
    db.session.commit()
    assert admin.post(f"/processes/{info.id}/retry").status_code == 303
    run_jobs()
    assert actor("backoffice").task("validate_calculation") is not None

    # the auditors' search over the history
    found = auditor.get(f"/processes/history?period={PERIOD}&event_type=retry").text
    assert found.count("<code>retry</code>") == 1
    assert "<code>retry</code>" not in auditor.get("/processes/history?user=backoffice&event_type=retry").text
    assert "task_completed" in auditor.get("/processes/history?user=backoffice&since=2026-03-01&until=2026-03-05").text
    assert backoffice.get("/processes/history").status_code == 403
