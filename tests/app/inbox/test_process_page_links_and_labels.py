"""The process pages link an open task only for a reader who may act on it (the others read its name), and speak
Italian: process names, statuses, lanes, job statuses, the history's events and the engine as actor."""

import re

import pytest

import workflows
from app.extensions import db
from app.services import cycle
from tests.app.inbox.conftest import MONTH
from tests.app.inbox.conftest import PERIOD
from tests.app.inbox.conftest import cycle_to_reviews


def _waiting_for(page: str) -> str:
    return re.search(r"<p>In attesa di:\s*(.*?)</p>", page, re.S).group(1)


@pytest.mark.parametrize("username", ["admin", "lead", "sales", "finance", "auditor"])
def test_a_task_of_another_role_is_named_not_linked(planned, actor, traveller, username):
    info = cycle.start_cycle(db.session, actor("backoffice").user, MONTH)
    db.session.commit()
    [load] = workflows.ready_tasks(db.session, instance_id=info.id)
    reader = actor(username)
    assert reader.get(f"/inbox/tasks/{load.id}").status_code == 403
    page = reader.get(f"/processes/{info.id}").get_data(as_text=True)
    assert _waiting_for(page) == "Carica dati (Back-office)"
    assert "/inbox/tasks/" not in page


def test_the_back_office_gets_the_link_to_its_own_task(planned, actor, traveller):
    backoffice = actor("backoffice")
    info = cycle.start_cycle(db.session, backoffice.user, MONTH)
    db.session.commit()
    load = backoffice.task("load_data")
    page = backoffice.get(f"/processes/{info.id}").get_data(as_text=True)
    assert _waiting_for(page) == f'<a href="/inbox/tasks/{load.id}">Carica dati</a> (Back-office)'
    assert backoffice.get(f"/inbox/tasks/{load.id}").status_code == 200
    fragment = backoffice.get(f"/processes/{info.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.startswith('<article id="process-state"')
    assert _waiting_for(fragment) == f'<a href="/inbox/tasks/{load.id}">Carica dati</a> (Back-office)'


def test_a_partners_review_is_named_not_linked_for_staff(planned, actor, traveller):
    cycle_to_reviews(actor("backoffice").user)
    review = actor("agente").task("review_statement")
    for username in ("backoffice", "admin"):
        staff = actor(username)
        assert staff.get(f"/inbox/tasks/{review.id}").status_code == 403
        page = staff.get(f"/processes/{review.instance_id}").get_data(as_text=True)
        assert _waiting_for(page) == "Verifica estratto conto (Partner)"
        assert f"/inbox/tasks/{review.id}" not in page


def test_process_list_and_page_show_italian_names_and_statuses(planned, actor, traveller):
    backoffice = actor("backoffice")
    info = cycle.start_cycle(db.session, backoffice.user, MONTH)
    db.session.commit()
    listing = backoffice.get("/processes/").get_data(as_text=True)
    row = re.search(rf'<tr><td><a href="/processes/{info.id}">{info.id}</a></td>(.*?)</tr>', listing, re.S).group(1)
    assert "<td>Ciclo provvigionale</td>" in row
    assert '<span class="status status-running">In corso</span>' in row

    backoffice.complete("load_data")  # the calculation job is queued
    page = backoffice.get(f"/processes/{info.id}").get_data(as_text=True)
    assert '<span class="status status-running" data-testid="instance-status">In corso</span>' in page
    assert "<td><code>run_calculation</code></td><td>In coda</td>" in page
    assert "<td>queued</td>" not in page


def test_history_names_events_and_the_engine_in_italian(planned, actor, traveller):
    info = cycle.start_cycle(db.session, actor("backoffice").user, MONTH)
    db.session.commit()
    auditor = actor("auditor")
    page = auditor.get(f"/processes/{info.id}").get_data(as_text=True)
    assert "<td>Processo avviato <small><code>instance_started</code></small></td><td></td><td>backoffice</td>" in page
    assert ("<td>Attività pronta <small><code>task_ready</code></small></td><td>load_data</td><td>sistema</td>"
            in page)
    assert "<td>system</td>" not in page

    search = auditor.get(f"/processes/history?period={PERIOD}").get_data(as_text=True)
    assert '<option value="">Tutti gli eventi</option>' in search
    assert '<option value="instance_started">Processo avviato</option>' in search
    assert '<option value="retry">Passo eseguito di nuovo</option>' in search
    assert '<option value="timer_fired">Scadenza raggiunta</option>' in search
    assert re.findall(r'<option value="(\w+)">\1</option>', search) == []  # no event is listed by its code
    chosen = auditor.get("/processes/history?event_type=task_ready").get_data(as_text=True)
    assert '<option selected value="task_ready">Attività pronta</option>' in chosen
    assert chosen.count("<code>task_ready</code>") == 1 and "<code>instance_started</code>" not in chosen
