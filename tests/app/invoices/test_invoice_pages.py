"""The invoice list and the stored PDF over HTTP: staff see every invoice, a partner its own and its downline's
(another partner's PDF is 403, an unknown or unissued one 404); finance sends a batch's PDFs by e-mail."""

from sqlalchemy import select

from app.extensions import db
from app.models import Invoice
from app.models import InvoiceBatch
from app.models.invoice import BatchStatus
from tests.app.services.invoicing.batches import approved_batch
from tests.app.services.invoicing.batches import pdf_text


def _invoice(network, code) -> Invoice:
    return db.session.scalar(select(Invoice).where(Invoice.partner_id == network.partners[code]))


def test_partner_downloads_its_own_and_its_downline_pdf_not_another(client, auth, network, issued):
    auth.login("agente")  # A1, whose downline is A1A
    own = _invoice(network, "A1")
    stored = own.pdf  # a deferred column: read while the invoice is still in the test's session
    response = client.get(f"/invoices/{own.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == stored
    assert f'filename="fattura-proforma-2026-{own.number:06d}.pdf"' in response.headers["Content-Disposition"]
    assert "Netto a pagare 51,94 €" in " ".join(pdf_text(response.data).split())
    assert client.get(f"/invoices/{_invoice(network, 'A1A').id}.pdf").status_code == 200
    assert client.get(f"/invoices/{_invoice(network, 'B1').id}.pdf").status_code == 403
    assert client.get(f"/invoices/{_invoice(network, 'AGA').id}.pdf").status_code == 403
    assert client.get("/invoices/999999.pdf").status_code == 404


def test_an_unissued_invoice_has_no_pdf(client, auth, network, statements):
    approved_batch(statements)
    auth.login("finance")
    assert client.get(f"/invoices/{_invoice(network, 'A1').id}.pdf").status_code == 404


def test_partner_list_shows_only_its_scope(client, auth, network, issued):
    auth.login("agente")
    page = client.get("/invoices/").get_data(as_text=True)
    assert "Mario Rossi" in page and "Luca Bianchi" in page
    assert "Paolo Neri" not in page and "Agenzia Alfa" not in page
    assert f"/invoices/{_invoice(network, 'A1').id}.pdf" in page
    assert "/invoices/batches/" not in page  # no sending for partners


def test_staff_list_of_a_batch_with_totals(client, auth, network, issued):
    batch_id = issued.id
    auth.login("auditor")
    response = client.get(f"/invoices/?period=2026-02&batch={batch_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for code in ("A1", "A1A", "B1", "AGA", "AGB"):
        assert _invoice(network, code).number_text in page
    total = sum(i.net_payable for i in db.session.scalars(select(Invoice)))
    assert f"{total:.2f}".replace(".", ",") + " €" in page
    assert "Send by e-mail" not in page and "Invia per e-mail" not in page  # auditors read only
    assert client.get("/invoices/?period=2026-03").get_data(as_text=True).count("/invoices/") < page.count("/invoices/")


def test_htmx_filter_returns_the_fragment(client, auth, network, issued):
    auth.login("finance")
    response = client.get("/invoices/?period=2026-02", headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert page.lstrip().startswith("<section id=\"invoice-list\">") or 'id="invoice-list"' in page[:400]
    assert "<html" not in page and "HX-Request" in response.headers["Vary"]


def test_finance_sends_the_batch_by_email(client, auth, network, issued, smtp_server):
    batch_id = issued.id
    auth.login("finance")
    response = client.post(f"/invoices/batches/{batch_id}/send", data={"csrf_token": auth.csrf("/invoices/")})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/invoices/?batch={batch_id}")
    assert len(smtp_server.messages) == 5
    db.session.expire_all()
    batch = db.session.get(InvoiceBatch, batch_id)
    assert all(i.emailed_at is not None for i in batch.invoices) and batch.status == BatchStatus.ISSUED
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "5 invoices sent by e-mail." in page or "5 fatture inviate per e-mail." in page
