"""Pushing contracts, status events and billing lines: written like an imported row, in a batch, atomically."""

import hashlib
import json
from datetime import date
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry
from app.models import BillingLine
from app.models import Contract
from app.models import ContractStatus
from app.models import Customer
from app.models import ImportBatch


def contract(ref: str = "C-API-1", **changes) -> dict:
    """A valid contract item sold by A1 (an electricity supply with its POD)."""
    return {"contract_id": ref, "customer_id": f"CU-{ref}", "customer_name": "Anna Gialli",
            "customer_fiscal_code": "RSSMRA80A01F205X", "segment": "residential", "territory": "Lombardia",
            "city": "Milano", "partner_code": "a1", "product_code": "ELE", "offer_code": "ELE-FIX",
            "supply_point": "IT001E12345678", "status": "signed", "signed_on": "2026-02-02",
            "yearly_volume": "2700.000", **changes}


def billing_line(ref: str, contract_ref: str = "C-A1", **changes) -> dict:
    return {"billing_line_id": ref, "contract_id": contract_ref, "period_start": "2026-03-01",
            "period_end": "2026-03-31", "volume": "240.125", "amount_billed": "63.40", "fixed_fee_billed": "12.00",
            "paid": False, **changes}


def _current(ref: str) -> Contract:
    return db.session.scalar(select(Contract).where(Contract.external_id == ref, Contract.is_current))


def test_a_pushed_contract_is_written_like_an_imported_row(api):
    raw = json.dumps(contract()).encode()
    response = api.post("/contracts", data=raw)
    assert response.status_code == 200
    body = response.get_json()
    batch = db.session.get(ImportBatch, body["batch_id"])
    assert body == {"batch_id": batch.id, "received": 1, "new": 1, "changed": 0, "unchanged": 0, "warnings": []}
    saved = _current("C-API-1")
    assert (saved.version, saved.status, saved.signed_on, saved.yearly_volume, saved.supply_point) == (
        1, ContractStatus.SIGNED, date(2026, 2, 2), Decimal("2700.000"), "IT001E12345678")
    assert saved.partner.code == "A1"
    assert saved.import_batch_id == batch.id
    customer = db.session.get(Customer, saved.customer_id)
    assert (customer.external_id, customer.name, customer.city) == ("CU-C-API-1", "Anna Gialli", "Milano")
    token_prefix = api.secret[:12]
    assert batch.source == "contracts" and batch.status == "imported" and batch.rows_new == 1
    assert batch.file_name == f"API POST /api/v1/contracts ({token_prefix})"
    assert batch.sha256 == hashlib.sha256(raw).hexdigest()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "api.pushed"))
    assert entry.actor == f"api:{token_prefix}" and entry.entity_id == str(batch.id)


def test_the_same_contract_twice_is_unchanged_and_a_change_is_a_new_version(api):
    api.post("/contracts", contract())
    again = api.post("/contracts", contract()).get_json()
    assert (again["new"], again["changed"], again["unchanged"]) == (0, 0, 1)
    assert db.session.scalar(select(func.count()).select_from(Contract).where(Contract.external_id == "C-API-1")) == 1
    changed = api.post("/contracts", [contract(status="validated")]).get_json()
    assert (changed["new"], changed["changed"], changed["unchanged"]) == (0, 1, 0)
    versions = db.session.execute(select(Contract.version, Contract.status, Contract.is_current)
                                  .where(Contract.external_id == "C-API-1").order_by(Contract.version)).all()
    assert versions == [(1, ContractStatus.SIGNED, False), (2, ContractStatus.VALIDATED, True)]


def test_any_bad_item_rejects_the_whole_request_with_field_errors(api):
    items = [contract("C-API-1"), contract("C-API-2", supply_point="12345678901234"),
             contract("C-API-3", partner_code="NOBODY", customer_fiscal_code="RSSMRA80A01F205Y"),
             contract("C-API-1", customer_id="CU-OTHER")]
    response = api.post("/contracts", items)
    assert response.status_code == 422
    assert response.get_json() == {"errors": [
        {"index": 1, "field": "supply_point", "code": "supply_point_mismatch",
         "message": "Supplies of electricity need a POD code.", "value": "12345678901234"},
        {"index": 2, "field": "customer_fiscal_code", "code": "bad_fiscal_code",
         "message": "Not a valid fiscal code (check character).", "value": "RSSMRA80A01F205Y"},
        {"index": 2, "field": "partner_code", "code": "unknown_partner", "message": "Unknown partner code.",
         "value": "NOBODY"},
        {"index": 3, "field": "contract_id", "code": "duplicate", "message": "Same key as item 0 of the request.",
         "value": "C-API-1"},
    ]}
    assert db.session.scalar(select(func.count()).select_from(Contract).where(Contract.external_id.like("C-API%"))) == 0
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_shape_errors_name_the_item_and_the_field(api):
    bad = contract("C-API-2", yearly_volume=2700.5, signed_on="02/02/2026", colour="red")
    del bad["status"]
    response = api.post("/contracts", [contract(), bad])
    assert response.status_code == 422
    found = sorted((e["index"], e["field"], e["code"]) for e in response.get_json()["errors"])
    assert found == [(1, "colour", "unknown_field"), (1, "signed_on", "invalid"), (1, "status", "required"),
                     (1, "yearly_volume", "invalid")]
    assert _current("C-API-1") is None


def test_messages_follow_accept_language(api):
    response = api.post("/contracts", contract(partner_code="NOBODY"), headers={"Accept-Language": "it"})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["message"] == "Codice partner sconosciuto."


def test_malformed_json_is_400_and_other_bodies_422(api):
    for data in (b"{", b'{"a": NaN}', b"\xff\xfe", b'["\\ud800"]'):
        response = api.post("/contracts", data=data)
        assert response.status_code == 400, data
        assert response.get_json()["errors"][0]["code"] == "malformed_json"
    assert api.post("/contracts", data=b'"text"').get_json()["errors"][0]["code"] == "not_an_object"
    assert api.post("/contracts", []).get_json()["errors"][0]["code"] == "empty"
    assert api.post("/contracts", [1]).get_json() == {"errors": [
        {"index": 0, "field": None, "code": "not_an_object", "message": "Invalid input type."}]}


def test_status_events_make_new_contract_versions(api, network):
    response = api.post("/contract-events", [
        {"contract_id": "C-A1", "status": "terminated", "event_date": "2026-04-30", "reason": "switch-out"}])
    assert response.status_code == 200 and response.get_json()["changed"] == 1
    saved = _current("C-A1")
    assert (saved.version, saved.status, saved.terminated_on, saved.status_reason) == (
        2, ContractStatus.TERMINATED, date(2026, 4, 30), "switch-out")
    refused = api.post("/contract-events", {"contract_id": "C-A1", "status": "active", "event_date": "2026-05-01"})
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == [{"index": 0, "field": "status", "code": "event_after_end",
                                             "message": "The contract is terminated: no further status changes.",
                                             "value": "active"}]
    assert _current("C-A1").version == 2


def test_billing_lines_in_bulk(api, network):
    lines = [billing_line(f"BL-API-{n:05d}", ("C-A1", "C-A1A", "C-B1")[n % 3], volume=f"{200 + n % 50}.500",
                          amount_billed=f"{55 + n % 10}.25") for n in range(3000)]
    response = api.post("/billing-lines", lines)
    assert response.status_code == 200
    assert response.get_json() == {"batch_id": response.get_json()["batch_id"], "received": 3000, "new": 3000,
                                   "changed": 0, "unchanged": 0, "warnings": []}
    stored = db.session.execute(select(func.count(), func.sum(BillingLine.volume), func.sum(BillingLine.amount_billed))
                                .where(BillingLine.external_id.like("BL-API-%"))).one()
    expected_volume = sum(Decimal(f"{200 + n % 50}.500") for n in range(3000))
    expected_amount = sum(Decimal(f"{55 + n % 10}.25") for n in range(3000))
    assert stored == (3000, expected_volume, expected_amount)
    line = db.session.scalar(select(BillingLine).where(BillingLine.external_id == "BL-API-00007"))
    assert (line.contract_external_id, line.volume, line.amount_billed, line.paid, line.import_batch_id) == (
        "C-A1A", Decimal("207.500"), Decimal("62.25"), False, response.get_json()["batch_id"])


def test_billing_warnings_do_not_block(api, network):
    response = api.post("/billing-lines", billing_line("BL-API-BIG", volume="9000.000", amount_billed="2000.00"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["new"] == 1 and [w["code"] for w in body["warnings"]] == ["consumption_outlier"]
    assert body["warnings"][0]["index"] == 0 and body["warnings"][0]["field"] == "volume"
    assert db.session.get(ImportBatch, body["batch_id"]).warning_count == 1


def test_a_paid_line_needs_its_payment_day(api, network):
    response = api.post("/billing-lines", billing_line("BL-API-1", paid=True))
    assert response.status_code == 422
    assert [(e["index"], e["field"], e["code"]) for e in response.get_json()["errors"]] == [
        (0, "paid_on", "required_when")]


def test_a_body_over_the_limit_is_413_in_json(api, monkeypatch):
    from app.api import pushing

    monkeypatch.setattr(pushing, "MAX_BODY", 100)
    response = api.post("/contracts", contract())
    assert response.status_code == 413
    assert response.get_json()["errors"][0]["code"] == "too_large"
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_unknown_api_paths_answer_in_json(api):
    response = api.get("/nothing-here")
    assert response.status_code == 404 and response.get_json()["errors"][0]["code"] == "not_found"
