"""The accounting export through its routes: an issued batch exported once, line by line with exact amounts,
each invoice balanced, the checksum in the batch and the audit log; missing mappings or company code stop it, naming
them; each export writes the company code in force on its posting date."""

import csv
import hashlib
import io
from collections import defaultdict
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete
from sqlalchemy import select

from app.extensions import db
from app.models import AccountingMapping
from app.models import AuditEntry
from app.models import CompanySetting
from app.models import InvoiceBatch
from app.models import Partner
from app.models.invoice import BatchStatus
from app.services import accounting_export
from app.services import settings
from app.services.accounting_export.batch import build
from tests.app.trail.batches import issued_batch
from workflows import clock

MARCH_13 = date(2026, 3, 13)


@pytest.fixture
def batch(network) -> InvoiceBatch:
    return issued_batch(db.session)


def _rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8")), delimiter=";"))


def _export(client, auth, batch_id: int, username: str = "finance"):
    auth.login(username)
    return client.post(f"/exports/batches/{batch_id}", data={"csrf_token": auth.csrf()})


def _exports() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "batch.exported")))


def test_export_writes_balanced_postings_with_exact_amounts(client, auth, network, batch):
    response = _export(client, auth, batch.id)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/exports/batches/{batch.id}.csv")
    download = client.get(response.headers["Location"])
    assert download.status_code == 200 and download.mimetype == "text/csv"
    name = f"mandato-sap-2026-02-batch-{batch.id}.csv"
    assert download.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    data = download.data
    assert data.startswith(b"company_code;document_type;vendor_number;partner_code;document_date;posting_date;")
    assert b"\r\n" in data

    rows = _rows(data)
    assert {r["company_code"] for r in rows} == {"IT01"}  # every posting row, of every invoice
    a1 = db.session.scalar(select(Partner).where(Partner.code == "A1"))
    mine = [r for r in rows if r["partner_code"] == "A1"]
    today = clock.company_day(clock.now()).isoformat()  # the posting date is Rome's day, not the machine's
    number = mine[0]["invoice_number"]
    assert number.startswith("2026/") and len(number) == 11
    for row in mine:
        assert (row["company_code"], row["document_type"], row["vendor_number"], row["document_date"],
                row["posting_date"], row["period"], row["currency"]) == (
            "IT01", "KR", str(400000 + a1.id), "2026-03-10", today, "2026-02", "EUR")
    # Mario Rossi, individual agent in Lombardia: 50.00 activation + 0.93 consumption, VAT 22 %, RT01, ENASARCO
    assert [(r["line_number"], r["line_type"], r["gl_account"], r["cost_centre"], r["tax_code"],
             r["withholding_code"], r["amount"], r["debit_credit"]) for r in mine] == [
        ("1", "VENDOR", "2210100", "", "", "", "51.94", "C"),
        ("2", "GROSS", "6120100", "CC-LOM", "I22", "", "50.00", "D"),
        ("3", "GROSS", "6120110", "CC-LOM", "I22", "", "0.93", "D"),
        ("4", "VAT", "1450100", "", "I22", "", "11.20", "D"),
        ("5", "WITHHOLDING", "2410100", "", "", "RT01", "5.86", "C"),
        ("6", "ENASARCO", "2420100", "", "", "RT04", "4.33", "C"),
    ]
    assert mine[1]["text"] == f"{number} A1 Provvigioni one_off"
    # Paolo Neri works in Lazio: its cost lines carry the Lazio cost centre
    assert {r["cost_centre"] for r in rows if r["partner_code"] == "B1" and r["line_type"] == "GROSS"} == {"CC-LAZ"}
    # The agencies' override lines go to the override account
    assert {r["gl_account"] for r in rows if r["partner_code"] == "AGA" and r["line_type"] == "GROSS"} == {"6120150"}

    batch = db.session.get(InvoiceBatch, batch.id)
    assert {r["invoice_number"] for r in rows} == {inv.number_text for inv in batch.invoices}
    for invoice in batch.invoices:
        lines = [r for r in rows if r["invoice_number"] == invoice.number_text]
        debit = sum((Decimal(r["amount"]) for r in lines if r["debit_credit"] == "D"), Decimal(0))
        credit = sum((Decimal(r["amount"]) for r in lines if r["debit_credit"] == "C"), Decimal(0))
        assert debit == credit == invoice.document_total, invoice.number_text
        vendor = [r for r in lines if r["line_type"] == "VENDOR"]
        assert [Decimal(r["amount"]) for r in vendor] == [invoice.net_payable]

    digest = hashlib.sha256(data).hexdigest()
    assert (batch.status, batch.export_sha256, batch.export_file) == (BatchStatus.EXPORTED, digest, data)
    assert download.headers["X-Content-SHA256"] == digest and batch.exported_at is not None
    [entry] = _exports()
    assert (entry.actor, entry.entity_type, entry.entity_id) == ("finance", "invoice_batch", str(batch.id))
    assert entry.after["sha256"] == digest and entry.after["file_name"] == name
    assert entry.after["rows"] == len(rows) and entry.after["invoices"] == len(batch.invoices)


def test_a_second_export_returns_the_stored_file(client, auth, network, batch):
    first = client.get(_export(client, auth, batch.id).headers["Location"]).data
    db.session.add(AccountingMapping(kind="gl_account", key="unused", value="999"))
    db.session.query(AccountingMapping).filter(AccountingMapping.kind == "gl_account",
                                               AccountingMapping.key == "one_off").update({"value": "6999999"})
    db.session.commit()
    auth.logout()
    again = _export(client, auth, batch.id, "admin")
    assert again.status_code == 303
    assert client.get(again.headers["Location"]).data == first
    assert accounting_export.export_batch(db.session, None, db.session.get(InvoiceBatch, batch.id)) == first
    assert len(_exports()) == 1


def test_missing_mappings_stop_the_export_naming_them(client, auth, network, batch):
    db.session.query(AccountingMapping).filter(
        (AccountingMapping.kind == "vendor") & (AccountingMapping.key == "B1")
        | (AccountingMapping.kind == "gl_account") & (AccountingMapping.key == "override")
        | (AccountingMapping.kind == "cost_centre") & (AccountingMapping.key == "Lazio")).delete()
    db.session.commit()
    response = _export(client, auth, batch.id)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "partner B1 (Paolo Neri) has no vendor number" in body
    assert "component kind override has no GL account" in body
    assert "territory Lazio has no cost centre" in body
    fragment = client.post(f"/exports/batches/{batch.id}", data={"csrf_token": auth.csrf()})
    batch = db.session.get(InvoiceBatch, batch.id)
    assert (batch.status, batch.export_file, batch.export_sha256) == (BatchStatus.ISSUED, None, None)
    assert _exports() == [] and client.get(f"/exports/batches/{batch.id}.csv").status_code == 404
    assert fragment.status_code == 422


def test_a_missing_company_code_stops_the_export_naming_it(client, auth, network, batch):
    db.session.execute(delete(CompanySetting).where(CompanySetting.key == "company_code"))
    db.session.execute(delete(AccountingMapping).where(AccountingMapping.kind == "vendor",
                                                       AccountingMapping.key == "B1"))
    db.session.commit()
    response = _export(client, auth, batch.id)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    today = clock.company_day(clock.now()).isoformat()
    # one message, the company code named first, then the mappings, as finance fixes them
    assert (f"batch {batch.id} cannot be exported, mappings are missing: no company code (SAP BUKRS) is in force "
            f"on the posting date {today}; partner B1 (Paolo Neri) has no vendor number") in body
    batch = db.session.get(InvoiceBatch, batch.id)
    assert (batch.status, batch.export_file, batch.export_sha256) == (BatchStatus.ISSUED, None, None)
    assert _exports() == []

    # a code that starts after the posting date does not count
    settings.set_value(db.session, None, "company_code", clock.company_day(clock.now()) + timedelta(days=1), "IT01")
    db.session.add(AccountingMapping(kind="vendor", key="B1", value="400777"))
    db.session.commit()
    with pytest.raises(accounting_export.ExportError, match=r"mappings are missing: no company code \(SAP BUKRS\) "
                                                           rf"is in force on the posting date {today}$"):
        accounting_export.export_batch(db.session, None, batch)


def test_a_company_code_in_force_that_is_not_four_characters_is_refused(network, batch):
    # the settings page and service refuse such a value; one stored by other means still stops the export
    db.session.add(CompanySetting(key="company_code", valid_from=date(2026, 1, 1), value="IT1"))
    db.session.commit()
    with pytest.raises(accounting_export.ExportError,
                       match=r"the company code 'IT1' in force on \d{4}-\d\d-\d\d is not 4 letters or digits"):
        accounting_export.export_batch(db.session, None, db.session.get(InvoiceBatch, batch.id))


def test_each_export_writes_the_company_code_in_force_on_its_posting_date(network, batch):
    settings.set_value(db.session, None, "company_code", date(2026, 3, 13), "IT02")
    db.session.commit()
    batch = db.session.get(InvoiceBatch, batch.id)
    before, after = _rows(build(db.session, batch, date(2026, 3, 12))), _rows(build(db.session, batch, MARCH_13))
    assert {(r["company_code"], r["posting_date"]) for r in before} == {("IT01", "2026-03-12")}
    assert {(r["company_code"], r["posting_date"]) for r in after} == {("IT02", "2026-03-13")}
    # the posting date is the company's day: 23:30 UTC on the 12th is already the 13th in Rome
    previous = clock.use(clock.FixedClock(datetime(2026, 3, 12, 23, 30, tzinfo=UTC)))
    try:
        data = accounting_export.export_batch(db.session, None, batch)
    finally:
        clock.use(previous)
    db.session.commit()
    assert _rows(data) == after and len(after) == len(before) > 0
    # a later code does not change the stored file
    settings.set_value(db.session, None, "company_code", date(2026, 3, 14), "IT03")
    assert accounting_export.export_batch(db.session, None, batch) == data


def test_only_an_issued_batch_is_exported(client, auth, network, batch):
    db.session.get(InvoiceBatch, batch.id).status = BatchStatus.APPROVED
    db.session.commit()
    response = _export(client, auth, batch.id)
    assert response.status_code == 422 and "only an issued batch" in response.get_data(as_text=True)
    fragment = client.post(f"/exports/batches/{batch.id}", data={"csrf_token": auth.csrf()},
                           headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).lstrip().startswith('<article id="export-refused"')
    assert db.session.get(InvoiceBatch, batch.id).export_file is None


def test_an_invoice_whose_amounts_do_not_add_up_is_refused(network, batch):
    invoice = db.session.get(InvoiceBatch, batch.id).invoices[0]
    invoice.net_payable += Decimal("0.01")
    with pytest.raises(accounting_export.ExportError, match=f"{invoice.number_text}.*do not balance"):
        accounting_export.export_batch(db.session, None, invoice.batch)
    db.session.rollback()
    invoice = db.session.get(InvoiceBatch, batch.id).invoices[0]
    invoice.taxable += Decimal("1.00")
    invoice.document_total += Decimal("1.00")
    with pytest.raises(accounting_export.ExportError, match="lines and adjustments total"):
        accounting_export.export_batch(db.session, None, invoice.batch)


@pytest.mark.parametrize(("username", "post", "get"), [
    ("finance", 303, 200), ("admin", 303, 200), ("auditor", 403, 200), ("backoffice", 403, 403),
    ("agente", 403, 403)])
def test_who_may_export_and_download(client, auth, network, batch, username, post, get):
    assert _export(client, auth, batch.id, username).status_code == post
    if post != 303:
        accounting_export.export_batch(db.session, None, db.session.get(InvoiceBatch, batch.id))
        db.session.commit()
    assert client.get(f"/exports/batches/{batch.id}.csv").status_code == get


def test_split_payment_and_balance_by_side(network):
    settings.set_value(db.session, None, "principal_split_payment", date(2026, 1, 1), True)
    batch = issued_batch(db.session)
    data = accounting_export.export_batch(db.session, None, batch)
    rows = [r for r in _rows(data) if r["partner_code"] == "A1"]
    # VAT 11.20 is booked as input VAT and kept for the State: net payable 51.94 - 11.20 = 40.74
    assert [(r["line_type"], r["tax_code"], r["amount"], r["debit_credit"]) for r in rows] == [
        ("VENDOR", "", "40.74", "C"), ("GROSS", "I22S", "50.00", "D"), ("GROSS", "I22S", "0.93", "D"),
        ("VAT", "I22S", "11.20", "D"), ("VAT_SPLIT", "I22S", "11.20", "C"), ("WITHHOLDING", "", "5.86", "C"),
        ("ENASARCO", "", "4.33", "C")]
    sides = defaultdict(Decimal)
    for r in rows:
        sides[r["debit_credit"]] += Decimal(r["amount"])
    assert sides["D"] == sides["C"] == Decimal("62.13")
