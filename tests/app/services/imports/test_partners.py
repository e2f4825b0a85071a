"""Partners import: details, changes of parent from a date (refused when they would break the hierarchy) and
fiscal profiles from a date."""

from datetime import date
from decimal import Decimal

from flask_babel import force_locale
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry
from app.models import FiscalProfile
from app.models import Partner
from app.services import network as hierarchy
from app.services.imports import layouts
from app.services.imports import reports
from tests.app.services.imports.conftest import count

LAYOUT = layouts.PARTNERS


def _partner(code: str, **values) -> dict:
    return {"partner_code": code, "name": f"Partner {code}", "kind": "agent", "territory": "Lombardia",
            "active_from": "2025-01-01"} | values


def _problems(batch) -> list[tuple]:
    with force_locale("en"):
        return [(p.row, p.column, p.value, p.message) for p in reports.problems(db.session, batch)]


def test_new_partners_with_parents_in_the_same_file(files, network):
    batch = files.load("partners", files.dicts("partners.csv", LAYOUT, [
        _partner("N2", parent_code="N1", parent_valid_from="2026-01-01"),
        _partner("N1", kind="agency", parent_code="AGA", parent_valid_from="2026-01-01"),
    ]))
    assert (batch.status, batch.rows_new) == ("imported", 2)
    n1 = db.session.scalar(select(Partner).where(Partner.code == "N1"))
    n2 = db.session.scalar(select(Partner).where(Partner.code == "N2"))
    assert hierarchy.parent_of(db.session, n2.id, date(2026, 3, 1)) == n1.id
    assert hierarchy.parent_of(db.session, n1.id, date(2026, 3, 1)) == network.partners["AGA"]


def test_a_change_of_parent_from_a_date_keeps_the_history(files, network):
    batch = files.load("partners", files.dicts("partners.csv", LAYOUT, [
        _partner("A1A", name="Luca Bianchi", kind="sub_agent", parent_code="A2", parent_valid_from="2026-07-01")]))
    assert (batch.status, batch.rows_changed) == ("imported", 1)
    a1a = network.partners["A1A"]
    assert hierarchy.parent_of(db.session, a1a, date(2026, 6, 30)) == network.partners["A1"]
    assert hierarchy.parent_of(db.session, a1a, date(2026, 7, 1)) == network.partners["A2"]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "partner.moved")) is not None
    again = files.load("partners", files.dicts("partners-again.csv", LAYOUT, [
        _partner("A1A", name="Luca Bianchi", kind="sub_agent", parent_code="A2", parent_valid_from="2026-07-01")]))
    assert (again.rows_changed, again.rows_unchanged) == (0, 1)


def test_changes_that_break_the_hierarchy_are_refused(files, network):
    batch = files.load("partners", files.dicts("partners.csv", LAYOUT, [
        _partner("AGA", name="Agenzia Alfa Srl", kind="agency", parent_code="A1A", parent_valid_from="2026-03-01"),
        _partner("B1", name="Paolo Neri", territory="Lazio", parent_code="B1", parent_valid_from="2026-03-01"),
        _partner("A2", name="Giulia Verdi", parent_code="AGB", parent_valid_from="2026-01-01"),
        _partner("A1", name="Mario Rossi", parent_code="NOBODY", parent_valid_from="2026-01-01"),
    ]))
    assert batch.status == "rejected"
    assert _problems(batch) == [
        (2, "parent_code", "A1A", "The parent is below this partner on 2026-03-01: the change would make a cycle."),
        (3, "parent_code", "B1", "A partner cannot be its own parent."),
        (4, "parent_code", "AGB", "A later change of parent exists from 2026-06-01: change that one instead."),
        (5, "parent_code", "NOBODY", "Unknown partner code."),
    ]


def test_partner_details_vat_and_fiscal_profile(files, network):
    profile = {"fiscal_valid_from": "2026-07-01", "fiscal_category": "agent", "legal_form": "individual",
               "vat_regime": "flat_rate", "enasarco": "mono_firm", "reduced_withholding_base": "sì",
               "enasarco_rate_override": "0,085"}
    batch = files.load("partners", files.dicts("partners.csv", LAYOUT, [
        _partner("A1", name="Mario Rossi", vat_number="IT 02345670158", iban="IT60 X054 2811 1010 0000 0123 456",
                 fiscal_code="rssmra80a01f205x", province="mi", **profile)]))
    assert (batch.status, batch.rows_changed) == ("imported", 1)
    a1 = db.session.get(Partner, network.partners["A1"])
    assert (a1.vat_number, a1.iban, a1.fiscal_code, a1.province) == (
        "02345670158", "IT60X0542811101000000123456", "RSSMRA80A01F205X", "MI")
    profiles = db.session.scalars(select(FiscalProfile).where(FiscalProfile.partner_id == a1.id)
                                  .order_by(FiscalProfile.valid_from)).all()
    assert [(p.valid_from, p.valid_to, p.vat_regime.value) for p in profiles] == [
        (date(2025, 1, 1), date(2026, 7, 1), "ordinary"), (date(2026, 7, 1), None, "flat_rate")]
    assert profiles[1].reduced_withholding_base is True
    assert Decimal(profiles[1].enasarco_rate_override) == Decimal("0.085")
    earlier = files.load("partners", files.dicts("earlier.csv", LAYOUT, [
        _partner("A1", name="Mario Rossi", **profile | {"fiscal_valid_from": "2026-03-01"})]))
    assert _problems(earlier) == [(2, "fiscal_valid_from", "2026-03-01",
                                   "A later fiscal profile exists from 2026-07-01.")]


def test_bad_identifiers_are_reported(files, network):
    before = count(Partner)
    batch = files.load("partners", files.dicts("partners.csv", LAYOUT, [
        _partner("X1", vat_number="01234567897"),
        _partner("X2", iban="IT00X0000000000000000000000"),
        _partner("X3", email="not-an-address"),
        _partner("X4", postcode="2012"),
        _partner("X5", fiscal_category="agent"),
    ]))
    assert _problems(batch) == [
        (2, "vat_number", "01234567897", "Not a valid VAT number (check digit)."),
        (3, "iban", "IT00X0000000000000000000000", "Not a valid IBAN (check digits)."),
        (4, "email", "not-an-address", "Not an e-mail address."),
        (5, "postcode", "2012", "Not in the expected format (like 20121)."),
        (6, "fiscal_valid_from", None, "Required together with fiscal_category, legal_form, vat_regime, enasarco."),
        (6, "legal_form", None, "Required together with fiscal_valid_from, fiscal_category, vat_regime, enasarco."),
        (6, "vat_regime", None, "Required together with fiscal_valid_from, fiscal_category, legal_form, enasarco."),
        (6, "enasarco", None, "Required together with fiscal_valid_from, fiscal_category, legal_form, vat_regime."),
    ]
    assert count(Partner) == before
