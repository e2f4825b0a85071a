"""Accounting mappings: list, add, edit and delete through the pages, each change audited; the demo rows."""

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AccountingMapping
from app.models import AuditEntry
from app.services import accounting
from app.services import settings
from calc.catalogue import LINE_KINDS


def _audit(action: str) -> AuditEntry:
    return db.session.scalar(select(AuditEntry).where(AuditEntry.action == action))


def test_add_edit_delete_are_audited(finance):
    response = finance.post("/settings/accounting", kind="gl_account", key="one_off", value="6120100",
                            description="Provvigioni una tantum")
    assert response.status_code == 303 and response.headers["Location"].endswith("/settings/accounting")
    assert accounting.lookup(db.session, "gl_account", "one_off") == "6120100"
    assert _audit("accounting_mapping.added").after["value"] == "6120100"

    page = finance.client.get("/settings/accounting/gl_account/one_off").get_data(as_text=True)
    assert 'value="6120100"' in page
    response = finance.post("/settings/accounting/gl_account/one_off", kind="gl_account", key="one_off",
                            value="6120101", description="Provvigioni una tantum")
    assert response.status_code == 303
    assert accounting.lookup(db.session, "gl_account", "one_off") == "6120101"
    changed = _audit("accounting_mapping.changed")
    assert (changed.actor, changed.before, changed.after) == ("finance", {"value": "6120100"}, {"value": "6120101"})

    response = finance.post("/settings/accounting/gl_account/one_off/delete")
    assert response.status_code == 303
    assert accounting.lookup(db.session, "gl_account", "one_off") is None
    assert _audit("accounting_mapping.deleted").before["value"] == "6120101"


def test_a_key_is_mapped_once_per_kind(finance):
    finance.post("/settings/accounting", kind="cost_centre", key="Lazio", value="CC-LAZ")
    response = finance.post("/settings/accounting", kind="cost_centre", key="Lazio", value="CC-XXX",
                            headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and body.lstrip().startswith('<section id="mappings">')
    assert "CC-LAZ" in body and 'aria-invalid="true"' in body
    assert finance.post("/settings/accounting", kind="tax_code", key="Lazio", value="X").status_code == 303
    assert db.session.query(AccountingMapping).count() == 2


def test_an_unmapped_key_opens_a_form_to_add_it(finance):
    page = finance.client.get("/settings/accounting/cost_centre/Valle d'Aosta")
    assert page.status_code == 200 and "Valle d&#39;Aosta" in page.get_data(as_text=True)
    response = finance.post("/settings/accounting/cost_centre/Valle d'Aosta", kind="cost_centre",
                            key="Valle d'Aosta", value="CC-VDA")
    assert response.status_code == 303
    assert accounting.lookup(db.session, "cost_centre", "Valle d'Aosta") == "CC-VDA"
    assert finance.client.get("/settings/accounting/nonsense/x").status_code == 404
    assert finance.post("/settings/accounting/tax_code/none/delete").status_code == 303  # nothing to delete


def test_the_list_filters_by_kind(finance):
    for row in accounting.default_accounting_mappings():
        accounting.add(db.session, None, row)
    db.session.commit()
    fragment = finance.client.get("/settings/accounting?kind=tax_code", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "RT04" in body and "6120100" not in body and "<html" not in body


def test_demo_mappings_cover_every_line_kind_region_and_tax_case(app):
    rows = accounting.default_accounting_mappings()
    keys = [(row["kind"], row["key"]) for row in rows]
    assert len(keys) == len(set(keys)) and {row["kind"] for row in rows} <= set(accounting.KINDS)
    gl = {key for kind, key in keys if kind == "gl_account"}
    assert set(LINE_KINDS) | {"adjustment"} <= gl
    assert len([key for kind, key in keys if kind == "cost_centre"]) == 20
    taxes = {row["value"] for row in rows if row["kind"] == "tax_code"}
    assert {"I22", "N22", "I22S", "RT01", "RT02", "RT04"} == taxes
    for row in rows:
        accounting.add(db.session, None, row)
    assert accounting.lookup(db.session, "cost_centre", "Lombardia") == "CC-LOM"
    with pytest.raises(accounting.AccountingError, match="already mapped"):
        accounting.add(db.session, None, rows[0])


@pytest.mark.parametrize(("username", "status"), [("finance", 200), ("admin", 200), ("auditor", 403),
                                                  ("lead", 403), ("agente", 403)])
def test_who_may_change_settings(client, auth, network, username, status):
    auth.login(username)
    for url in ("/settings/", "/settings/accounting", "/settings/payment_terms_days"):
        assert client.get(url).status_code == status, url


def test_a_vendor_number_is_for_a_known_partner_and_a_gl_account_for_a_known_kind(finance):
    response = finance.post("/settings/accounting", kind="vendor", key="NOPE", value="400001")
    assert response.status_code == 422 and "Nessun partner ha il codice NOPE" in response.get_data(as_text=True)
    assert finance.post("/settings/accounting", kind="vendor", key="A1", value="400001").status_code == 303
    assert accounting.lookup(db.session, "vendor", "A1") == "400001"
    response = finance.post("/settings/accounting", kind="gl_account", key="bonus_typo", value="6120999")
    assert response.status_code == 422 and "vat_input" in response.get_data(as_text=True)
    assert finance.post("/settings/accounting", kind="gl_account", key="vat_input", value="1450100").status_code == 303
    assert db.session.query(AccountingMapping).count() == 2


def test_the_page_lists_what_the_export_still_needs(finance, network):
    page = finance.client.get("/settings/accounting").get_data(as_text=True)
    assert 'data-testid="mapping-gaps"' in page
    for kind, key in (("vendor", "A1"), ("vendor", "I1"), ("cost_centre", "Campania"), ("gl_account", "one_off"),
                      ("gl_account", "vendor_payable"), ("tax_code", "vat_ordinary_22")):
        assert f'href="/settings/accounting/{kind}/{key}"' in page, (kind, key)
    assert "7 senza valore" in page  # the seven partners of the test network
    assert 'href="/settings/company_code"' in page  # and the SAP company code

    for row in accounting.default_accounting_mappings():
        accounting.add(db.session, None, row)
    for code in ("AGA", "AGB", "A1", "A1A", "A2", "B1"):
        accounting.add(db.session, None, {"kind": "vendor", "key": code, "value": f"4{code}"})
    settings.set_value(db.session, None, "company_code", date(2026, 1, 1), "IT01")
    db.session.commit()
    gaps = accounting.gaps(db.session)
    assert [(gap.kind, gap.keys, gap.total) for gap in gaps] == [("vendor", ["I1"], 1)]
    assert finance.post("/settings/accounting", kind="vendor", key="I1", value="400099").status_code == 303
    page = finance.client.get("/settings/accounting").get_data(as_text=True)
    assert 'data-testid="mapping-gaps"' not in page
