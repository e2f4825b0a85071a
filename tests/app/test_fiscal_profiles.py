"""Fiscal profile editing: a change mid-year applies from its date only; unsupported cases are refused."""

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry
from app.services import fiscal


def _post(client, auth, partner_id, **values):
    data = {"csrf_token": auth.csrf(), "valid_from": "2026-07-01", "fiscal_category": "agent",
            "legal_form": "individual", "vat_regime": "flat_rate", "enasarco": "multi_firm"} | values
    return client.post(f"/partners/{partner_id}/fiscal-profiles", data=data)


def test_change_mid_year_applies_from_its_date(client, auth, network):
    auth.login("backoffice")
    a1 = network.partners["A1"]
    assert _post(client, auth, a1).status_code == 303
    before = fiscal.profile_on(db.session, a1, date(2026, 6, 30))
    after = fiscal.profile_on(db.session, a1, date(2026, 7, 1))
    assert before.vat_regime.value == "ordinary" and before.valid_to == date(2026, 7, 1)
    assert after.vat_regime.value == "flat_rate" and after.valid_to is None
    assert fiscal.tax_profile(after).vat_regime == "flat_rate"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "fiscal_profile.changed"))
    assert entry.before["vat_regime"] == "ordinary"
    assert entry.after["vat_regime"] == "flat_rate" and entry.after["valid_from"] == "2026-07-01"


def test_unsupported_combination_is_refused_with_the_reason(client, auth, network):
    auth.login("backoffice")
    response = _post(client, auth, network.partners["A1"], legal_form="company", vat_regime="flat_rate")
    assert response.status_code == 422
    assert "flat" in response.get_data(as_text=True)
    assert len(fiscal.profile_on(db.session, network.partners["A1"], date(2026, 8, 1)).partner.fiscal_profiles) == 1


def test_change_before_a_later_profile_is_refused(client, auth, network):
    auth.login("backoffice")
    a1 = network.partners["A1"]
    assert _post(client, auth, a1, valid_from="2026-07-01").status_code == 303
    response = _post(client, auth, a1, valid_from="2026-03-01", vat_regime="ordinary")
    assert response.status_code == 422
    assert "2026-07-01" in response.get_data(as_text=True)


def test_same_day_change_replaces_the_profile(client, auth, network):
    auth.login("backoffice")
    a1 = network.partners["A1"]
    _post(client, auth, a1, valid_from="2026-07-01")
    _post(client, auth, a1, valid_from="2026-07-01", vat_regime="ordinary", reduced_withholding_base="y")
    profile = fiscal.profile_on(db.session, a1, date(2026, 7, 1))
    assert profile.vat_regime.value == "ordinary" and profile.reduced_withholding_base is True
    assert len(profile.partner.fiscal_profiles) == 2
