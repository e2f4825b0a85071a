"""The principal's registry data on its settings tab: shown as in force today, changed from a date through one
form (CSRF, checked tax numbers, 422 with the field's error), and each field's own dated history."""

from datetime import date

import pytest
from sqlalchemy import delete
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry
from app.models.settings import CompanySetting
from app.services import principal
from app.services import settings
from tests.factories import TEST_PRINCIPAL


@pytest.fixture(autouse=True)
def english(finance):
    """The messages asserted below are the English ones (the UI speaks Italian by default)."""
    assert finance.client.post("/language/en", data={"csrf_token": finance.token}).status_code in (302, 303)


def _form(token: str, valid_from: str, **changes) -> dict:
    values = {**TEST_PRINCIPAL, **changes}
    return {"principal-csrf_token": token, "principal-valid_from": valid_from,
            **{f"principal-{field}": value for field, value in values.items()}}


def _post(finance, valid_from: str = "2027-01-01", headers=None, **changes):
    return finance.client.post("/settings/principal", data=_form(finance.token, valid_from, **changes),
                               headers=headers)


def test_the_tab_shows_the_principal_in_force_and_each_field_history(finance):
    page = finance.client.get("/settings/principal").get_data(as_text=True)
    assert 'data-testid="principal-today"' in page and 'data-testid="principal-missing"' not in page
    for value in ("Sorgente Energia S.p.A.", "Via Alessandro Volta 18, 20121 Milano (MI)", "MI-1765432",
                  'value="04567890159"', 'value="IT60X0542811101000000123456"', 'value="M5UXCR1"'):
        assert value in page, value
    for field in principal.REGISTRY_FIELDS:
        assert f'id="setting-principal_{field}"' in page and f'name="principal-{field}"' in page
    assert 'id="setting-principal_split_payment"' in page and "2025-01-01" in page


def test_a_move_from_a_date_saves_the_changed_fields_only(finance):
    response = _post(finance, address=" Corso Buenos Aires 5 ", postcode="20124", province="mi",
                     vat_number="IT 04567890159", iban="it60 x054 2811 1010 0000 0123 456")
    assert response.status_code == 303 and response.headers["Location"].endswith("/settings/principal")
    assert principal.values_on(db.session, date(2027, 1, 1)) == {**TEST_PRINCIPAL, "address": "Corso Buenos Aires 5",
                                                                 "postcode": "20124"}
    assert principal.values_on(db.session, date(2026, 12, 31)) == TEST_PRINCIPAL
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "setting.changed")).all()
    assert sorted(e.entity_id for e in entries) == ["principal_address", "principal_postcode"]
    assert {e.actor for e in entries} == {"finance"}
    page = finance.client.get("/settings/principal").get_data(as_text=True)
    assert "2027-01-01" in page and "Corso Buenos Aires 5" in page


def test_a_wrong_vat_check_digit_is_refused_with_the_field_error(finance):
    response = _post(finance, headers={"HX-Request": "true"}, vat_number="04567890158", city="Torino")
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and body.lstrip().startswith('<section id="principal"')
    assert 'id="principal-vat_number-error"' in body and "check digit" in body
    assert 'value="04567890158"' in body  # what was typed stays in the form
    assert principal.values_on(db.session, date(2027, 1, 1)) == TEST_PRINCIPAL
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "setting.changed")) is None


@pytest.mark.parametrize(("field", "value", "error"), [
    ("fiscal_code", "RSSMRA80A01F205Y", "check character"),
    ("fiscal_code", "1234", "11 digits or a person"),
    ("iban", "IT61X0542811101000000123456", "check digits of this IBAN"),
    ("postcode", "2012", "5 digits"),
    ("province", "Milano", "two letters"),
    ("sdi_code", "M5UX", "7 letters and digits"),
    ("email", "amministrazione", "e-mail"),
    ("name", "", "required"),
])
def test_bad_registry_values_are_refused(finance, field, value, error):
    response = _post(finance, **{field: value})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and f'id="principal-{field}-error"' in body, body[-2000:]
    assert error in body.split(f'id="principal-{field}-error">')[1].split("</small>")[0]
    assert settings.history(db.session, f"principal_{field}")[-1].valid_from == date(2025, 1, 1)


def test_a_personal_fiscal_code_and_empty_optional_fields_are_accepted(finance):
    assert _post(finance, fiscal_code="rssmra80a01f205x", rea="", email="").status_code == 303
    found = principal.principal_on(db.session, date(2027, 1, 1))
    assert (found.fiscal_code, found.rea, found.email) == ("RSSMRA80A01F205X", "", "")


def test_the_form_needs_its_csrf_token(finance):
    data = _form("not-the-token", "2027-01-01", city="Torino")
    assert finance.client.post("/settings/principal", data=data).status_code == 400
    assert principal.values_on(db.session, date(2027, 1, 1))["city"] == "Milano"


def test_each_field_can_be_set_alone(finance):
    assert finance.set("principal_vat_number", "2027-01-01", "IT 01122330150").status_code == 303
    assert settings.value_on(db.session, "principal_vat_number", date(2027, 1, 1)) == "01122330150"
    response = finance.set("principal_vat_number", "2027-02-01", "01122330151")
    assert response.status_code == 422 and "check digit" in response.get_data(as_text=True)
    response = finance.set("principal_vat_number", "2027-02-01", "01234567897")  # VAT office 789 does not exist
    assert response.status_code == 422 and "code of a VAT office" in response.get_data(as_text=True)
    assert finance.set("principal_iban", "2027-02-01", "XX00").status_code == 422


def test_an_empty_principal_is_flagged(finance):
    db.session.execute(delete(CompanySetting).where(CompanySetting.key.like("principal_%")))
    db.session.commit()
    page = finance.client.get("/settings/principal").get_data(as_text=True)
    assert 'data-testid="principal-missing"' in page
    missing = page.split('data-testid="principal-missing"')[1].split("</article>")[0]
    assert "Missing today: Company name, VAT number, Fiscal code, Address, Postcode, City, Province." in missing
