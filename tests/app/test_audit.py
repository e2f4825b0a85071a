"""Audit entries for state changes, and the log's append-only guarantee enforced by the database."""

import pytest
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from app.extensions import db
from app.models import AuditEntry
from app.models import Partner


def test_partner_edit_is_audited_with_before_and_after(client, auth, network):
    auth.login("backoffice")
    partner_id = network.partners["A1"]
    response = client.post(f"/partners/{partner_id}/edit", data={
        "csrf_token": auth.csrf(), "email": "mario.rossi@example.it", "phone": "", "address": "", "city": "",
        "postcode": "20121", "iban": "IT60 X054 2811 1010 0000 0123 456",
    })
    assert response.status_code == 303
    partner = db.session.get(Partner, partner_id)
    assert partner.iban == "IT60X0542811101000000123456"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "partner.details_changed"))
    assert entry.actor == "backoffice"
    assert entry.entity_id == str(partner_id)
    assert entry.before == {"email": None, "postcode": None, "iban": None}
    assert entry.after == {"email": "mario.rossi@example.it", "postcode": "20121",
                           "iban": "IT60X0542811101000000123456"}


def test_invalid_iban_is_a_422_fragment_and_changes_nothing(client, auth, network):
    auth.login("backoffice")
    partner_id = network.partners["A1"]
    response = client.post(f"/partners/{partner_id}/edit", headers={"HX-Request": "true"}, data={
        "csrf_token": auth.csrf(), "iban": "IT00X0000000000000000000000"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<form id="partner-form"')
    assert "IBAN" in body and "non valido" in body
    assert db.session.get(Partner, partner_id).iban is None
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "partner.details_changed")) is None


def test_move_through_the_page_is_audited(client, auth, network):
    auth.login("backoffice")
    response = client.post(f"/partners/{network.partners['B1']}/move", data={
        "csrf_token": auth.csrf(), "new_parent_code": "aga", "valid_from": "2026-09-01"})
    assert response.status_code == 303
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "partner.moved"))
    assert entry.actor == "backoffice"


@pytest.mark.parametrize("statement", ["UPDATE audit_entry SET actor = 'someone else'", "DELETE FROM audit_entry"])
def test_audit_log_refuses_update_and_delete(app, network, statement):
    assert db.session.scalar(select(AuditEntry.id).limit(1)) is not None
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement))
        db.session.flush()
    db.session.rollback()


def test_auditor_can_filter_the_log(client, auth, network):
    auth.login("auditor")
    page = client.get("/audit/?action=user.created&entity_type=user").get_data(as_text=True)
    assert page.count("user.created") >= 10
    assert "auth.login" not in page.split("<tbody>")[1]
