"""The auditor trail through its pages: from an invoice to its batch and approvals, period, statement, lines,
plan versions, source records and the import file of each, and the process history; auditors and admins only."""

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import BillingLine
from app.models import ImportBatch
from app.models import Invoice
from app.models import InvoiceBatch
from app.models import Partner
from app.models import User
from app.services import accounting_export
from app.services import cycle
from app.services.imports import runner as imports
from tests.app.trail.batches import FEBRUARY
from tests.app.trail.batches import issued_batch

CORRECTED_BILL = (
    "billing_line_id;contract_id;period_start;period_end;volume;amount_billed;fixed_fee_billed;paid;paid_on\r\n"
    "BL-C-A1-2026-02;C-A1;2026-02-01;2026-02-28;300.000;80.00;12.00;true;2026-03-20\r\n")


@pytest.fixture
def trail(app, network, tmp_path):
    """February 2026 with A1's bill corrected by a file import, a started cycle, an issued and exported batch."""
    app.config["IMPORT_FOLDER"] = str(tmp_path / "kept")
    path = tmp_path / "bollette-febbraio-rettifica.csv"
    path.write_bytes(CORRECTED_BILL.encode())
    backoffice = db.session.get(User, network.users["backoffice"])
    imported = imports.import_file(db.session, backoffice, "billing_lines", path)
    assert imported.status == "imported", imported.message
    cycle.start_cycle(db.session, backoffice, FEBRUARY)
    db.session.commit()
    batch = issued_batch(db.session)
    accounting_export.export_batch(db.session, db.session.get(User, network.users["finance"]), batch)
    db.session.commit()
    a1 = db.session.scalar(select(Partner).where(Partner.code == "A1"))
    invoice = db.session.scalar(select(Invoice).where(Invoice.partner_id == a1.id))
    return SimpleNamespace(invoice_id=invoice.id, batch_id=batch.id, import_id=imported.id)


def _fragment(client, url: str) -> str:
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_search_finds_an_invoice_by_number_or_partner(client, auth, trail):
    auth.login("auditor")
    invoice = db.session.get(Invoice, trail.invoice_id)
    number, number_text = invoice.number, invoice.number_text
    link = f'href="/trail/invoices/{trail.invoice_id}"'
    for query in (f"?q={number_text}", f"?q={number}&year=2026", "?q=Rossi", "?q=A1"):
        page = client.get(f"/trail/{query}").get_data(as_text=True)
        assert link in page and number_text in page, query
    other = client.get("/trail/?q=Neri").get_data(as_text=True)
    assert link not in other and "Paolo Neri" in other
    assert link not in client.get(f"/trail/?q={number}&year=2025").get_data(as_text=True)
    fragment = _fragment(client, "/trail/?q=Rossi")
    assert fragment.lstrip().startswith('<section id="trail-results">') and "<html" not in fragment


def test_from_an_invoice_to_the_import_file_of_its_lines(client, auth, trail):
    auth.login("auditor")
    invoice, batch = db.session.get(Invoice, trail.invoice_id), db.session.get(InvoiceBatch, trail.batch_id)
    imported = db.session.get(ImportBatch, trail.import_id)
    number, sha256, digest = invoice.number_text, imported.sha256, batch.export_sha256
    partner_id = invoice.partner_id
    page = client.get(f"/trail/invoices/{trail.invoice_id}").get_data(as_text=True)
    assert number in page and "Mario Rossi" in page
    sections = re.findall(r'href="(/trail/invoices/\d+/\w+)" data-testid="step-', page)
    assert [s.rsplit("/", 1)[1] for s in sections] == ["batch", "period", "statement", "lines", "history"]

    batch_part = _fragment(client, sections[0])
    assert batch_part.lstrip().startswith('<div id="trail-batch"')
    assert "Backoffice" in batch_part and "Finance" in batch_part  # who built it, who approved it
    assert "batch.approved" in batch_part and "batch.exported" in batch_part
    assert digest in batch_part
    assert f'href="/exports/batches/{trail.batch_id}.csv"' in batch_part

    period_part = _fragment(client, sections[1])
    assert "Lead" in period_part and "period.validated" in period_part and "v1" in period_part

    statement_part = _fragment(client, sections[2])
    assert "2026-02" in statement_part and "Mario Rossi" in statement_part
    assert f'href="/statements/2026-02/partners/{partner_id}"' in statement_part

    lines_part = _fragment(client, sections[3])
    assert 'href="/plans/agents-test/v1"' in lines_part
    bill = db.session.scalar(select(BillingLine).where(BillingLine.external_id == "BL-C-A1-2026-02",
                                                       BillingLine.is_current))
    assert bill.version == 2 and bill.import_batch_id == trail.import_id
    source_url = f"/trail/sources/billing_line/{bill.id}"
    assert f'href="{source_url}"' in lines_part and "bollette-febbraio-rettifica.csv" in lines_part
    assert "1,20" in lines_part  # 300 kWh x 0.004 (Italian format), as corrected by the file

    source = client.get(source_url).get_data(as_text=True)
    assert "bollette-febbraio-rettifica.csv" in source and sha256 in source
    assert "Backoffice" in source and f'href="/imports/batches/{trail.import_id}"' in source
    assert "v1" in source and "Non proviene da un file importato" in source  # the first version came from elsewhere

    history = _fragment(client, sections[4])
    assert "commission_cycle" in history and "instance_started" in history


def test_the_lines_are_paged(app, client, auth, trail):
    app.config["PAGE_SIZE"] = 1
    auth.login("admin")
    first = _fragment(client, f"/trail/invoices/{trail.invoice_id}/lines")
    second = _fragment(client, f"/trail/invoices/{trail.invoice_id}/lines?page=2")
    assert "Pagina 1 di 2" in first and "Pagina 2 di 2" in second
    assert "activation" in first and "consumption" in second
    whole = client.get(f"/trail/invoices/{trail.invoice_id}/lines?page=2").get_data(as_text=True)
    assert "<html" in whole and "consumption" in whole


def test_unknown_steps_and_records_are_404(client, auth, trail):
    auth.login("auditor")
    assert client.get(f"/trail/invoices/{trail.invoice_id}/nonsense").status_code == 404
    assert client.get("/trail/invoices/999999").status_code == 404
    assert client.get("/trail/sources/partner/1").status_code == 404
    assert client.get("/trail/sources/contract/999999").status_code == 404


@pytest.mark.parametrize(("username", "status"), [("auditor", 200), ("admin", 200), ("finance", 403),
                                                  ("backoffice", 403), ("agente", 403)])
def test_only_auditors_and_admins_walk_the_trail(client, auth, trail, username, status):
    auth.login(username)
    bill = db.session.scalar(select(BillingLine).where(BillingLine.is_current,
                                                       BillingLine.external_id == "BL-C-A1-2026-02"))
    for url in ("/trail/", f"/trail/invoices/{trail.invoice_id}", f"/trail/invoices/{trail.invoice_id}/lines",
                f"/trail/sources/billing_line/{bill.id}"):
        assert client.get(url).status_code == status, url
