"""The dashboard's latest changes read in the reader's language: action label, record, who and when; the audit log
keeps the stored English summary and shows the label beside the code."""

import re

import pytest

from app.extensions import db
from app.models import User
from app.services import audit

ROW = re.compile(r"<tr>\s*<td class=\"nowrap\">(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*</tr>",
                 re.S)
SUMMARIES = ["dispute 1 raised on 1 lines of statement 360", "calculation of 2026-10 validated",
             "Review statement completed (statement_review 2026-10/partner-11)"]


@pytest.fixture
def changes(client, auth, network):
    """A partner edited through its page, then a dispute, a validation and a task as their services record them."""
    auth.login("backoffice")
    edited = client.post(f"/partners/{network.partners['A1']}/edit", data={
        "csrf_token": auth.csrf(), "email": "mario.rossi@example.it", "phone": "", "address": "", "city": "",
        "postcode": "20121", "iban": ""})
    assert edited.status_code == 303
    auth.logout()
    agente, lead = (db.session.get(User, network.users[name]) for name in ("agente", "lead"))
    audit.record(db.session, agente, "dispute.raised", "dispute", 1, after={
        "statement_id": 360, "reason": "wrong volume", "attachment": None,
        "lines": [{"line_key": "C-A1/activation", "amount": "50.00", "claimed": None}]}, summary=SUMMARIES[0])
    audit.record(db.session, lead, "period.validated", "commission_period", 3, before={"status": "open"},
                 after={"status": "validated", "run": 9}, summary=SUMMARIES[1])
    audit.record(db.session, agente, "workflow.task_completed", "human_task", 7, after={
        "instance_id": 5, "task": "statement_review", "data": {"accepted": True}}, summary=SUMMARIES[2])
    audit.record(db.session, None, "ledger.rebuilt", "ledger_entry", "x")
    db.session.commit()
    return network


def _panel(page: str) -> str:
    start = page.index('<article data-panel="audit">')
    return page[start:page.index("</article>", start)]


@pytest.mark.parametrize(("username", "name"), [("admin", "Admin"), ("auditor", "Auditor")])
def test_latest_changes_are_in_italian_without_codes_or_json(client, auth, changes, username, name):
    auth.login(username)
    panel = _panel(client.get("/").get_data(as_text=True))
    rows = ROW.findall(panel)
    assert len(rows) == 10
    assert all(re.fullmatch(r"\d{2}/\d{2}/\d{2}, \d{2}:\d{2}", when) for when, *_ in rows)
    users, a1 = changes.users, changes.partners["A1"]
    assert [tuple(row[1:]) for row in rows[:9]] == [
        (name, "Accesso effettuato", f"Utente {users[username]}"),
        ("sistema", "Ledger rebuilt", "Ledger entry x"),
        ("Mario Rossi", "Attività completata", "Attività 7"),
        ("Lead", "Calcolo validato", "Periodo 3"),
        ("Mario Rossi", "Contestazione aperta", "Contestazione 1"),
        ("Backoffice", "Disconnessione effettuata", f"Utente {users['backoffice']}"),
        ("Backoffice", "Dati del partner modificati", f"Partner {a1}"),
        ("Backoffice", "Accesso effettuato", f"Utente {users['backoffice']}"),
        ("sistema", "Utente creato", f"Utente {users['altro']}"),
    ]
    for english in [*SUMMARIES, "dispute.raised", "human_task", "commission_period", "statement_id", "{", "&#34;"]:
        assert english not in panel, english


def test_latest_changes_follow_the_reader_language(client, auth, changes):
    auth.login("admin")
    assert client.post("/language/en", data={"csrf_token": auth.csrf()}).status_code == 303
    rows = ROW.findall(_panel(client.get("/").get_data(as_text=True)))
    assert [tuple(row[1:]) for row in rows[:6]] == [
        ("Admin", "Language changed", f"User {changes.users['admin']}"),
        ("Admin", "Signed in", f"User {changes.users['admin']}"),
        ("system", "Ledger rebuilt", "Ledger entry x"),
        ("Mario Rossi", "Task completed", "Task 7"),
        ("Lead", "Calculation validated", "Period 3"),
        ("Mario Rossi", "Dispute raised", "Dispute 1"),
    ]


@pytest.mark.parametrize("username", ["backoffice", "lead", "sales", "finance", "agente"])
def test_only_auditors_and_admins_see_the_latest_changes(client, auth, changes, username):
    auth.login(username)
    page = client.get("/").get_data(as_text=True)
    assert 'data-panel="audit"' not in page and "Contestazione aperta" not in page


def test_the_audit_log_shows_the_label_beside_the_code_and_the_stored_summary(client, auth, changes):
    auth.login("auditor")
    page = client.get("/audit/?action=dispute.raised").get_data(as_text=True)
    body = page.split("<tbody>")[1]
    assert body.count("<tr>") == 1
    assert '<span class="audit-action">Contestazione aperta</span><br><code>dispute.raised</code>' in body
    assert f"<small>{SUMMARIES[0]}</small>" in body
    assert "Contestazione 1<br><small><code>dispute</code></small>" in body
    fallback = client.get("/audit/?action=ledger").get_data(as_text=True).split("<tbody>")[1]
    assert '<span class="audit-action">Ledger rebuilt</span><br><code>ledger.rebuilt</code>' in fallback
