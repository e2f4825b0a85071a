"""Issuing an approved batch: numbers, dates, stored PDFs whose text carries the exact amounts, audit, idempotence
and atomicity."""

import hashlib
from datetime import UTC
from datetime import date
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry
from app.models import Invoice
from app.models import InvoiceSequence
from app.models import User
from app.models.invoice import BatchStatus
from app.services import pdf
from app.services.invoicing import document
from app.services.invoicing import issuing
from app.services.invoicing import rendering
from tests.app.services.invoicing.batches import pdf_text
from workflows import clock


@pytest.fixture
def march_16():
    previous = clock.use(clock.FixedClock(datetime(2026, 3, 16, 9, 30, tzinfo=UTC)))
    yield
    clock.use(previous)


def _finance():
    return db.session.scalar(select(User).where(User.username == "finance"))


def _invoice(network, code) -> Invoice:
    return db.session.scalar(select(Invoice).where(Invoice.partner_id == network.partners[code]))


def _issue(batch):
    invoices = issuing.issue_invoices(db.session, _finance(), batch)
    db.session.commit()
    return invoices


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_issuing_numbers_dates_and_stores_every_pdf(network, batch, march_16):
    invoices = _issue(batch)
    assert [i.number for i in invoices] == [1, 2, 3, 4, 5]
    assert {i.year for i in invoices} == {2026} and {i.document_date for i in invoices} == {date(2026, 3, 16)}
    assert batch.status == BatchStatus.ISSUED
    assert db.session.get(InvoiceSequence, 2026).last_number == 5
    for invoice in invoices:
        assert invoice.pdf.startswith(b"%PDF") and invoice.pdf_sha256 == hashlib.sha256(invoice.pdf).hexdigest()
        assert f"Fattura pro-forma n. {invoice.number_text}" in pdf_text(invoice.pdf)
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("invoice%"))).all()
    assert sorted(actions) == ["invoice.issued"] * 5 + ["invoice_batch.issued"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "invoice_batch.issued"))
    assert entry.actor == "finance" and entry.after["first_number"] == "2026/000001"
    assert entry.after["last_number"] == "2026/000005"


def test_pdf_of_an_agent_with_vat_withholding_and_enasarco(network, batch, march_16):
    _issue(batch)
    invoice = _invoice(network, "A1")
    text = _squash(pdf_text(invoice.pdf))
    assert "CEDENTE / PRESTATORE CESSIONARIO / COMMITTENTE" in text
    for expected in ("Mario Rossi Sorgente Energia S.p.A.", "Via Roma 1 Via Alessandro Volta 18",
                     "Partita IVA: 12345678903 Partita IVA: 04567890159", "Codice fiscale: RSSMRA80A01F205X",
                     f"IBAN: {invoice.partner.iban}", "Data documento: 16/03/2026",
                     "Periodo di competenza: febbraio 2026", "activation 50,00 € consumption 0,93 €",
                     "Imponibile 50,93 €", "IVA 22% 11,20 €", "Totale documento 62,13 €",
                     "Ritenuta d'acconto 23% -5,86 €", "Contributo ENASARCO a carico dell'agente -4,33 €",
                     "Netto a pagare 51,94 €", "scadenza 15/04/2026"):
        assert expected in text, expected
    assert (invoice.taxable, invoice.vat, invoice.withholding, invoice.enasarco_agent, invoice.net_payable) == (
        Decimal("50.93"), Decimal("11.20"), Decimal("5.86"), Decimal("4.33"), Decimal("51.94"))
    assert "anticipo provvigionale" not in text and "Imposta di bollo" not in text


def test_pdf_of_a_flat_rate_partner_has_stamp_duty_and_no_vat(network, batch, march_16):
    _issue(batch)
    text = _squash(pdf_text(_invoice(network, "B1").pdf))
    # 50.93 earned + 100.00 carried adjustment; no VAT (N2.2), no withholding; ENASARCO 8.5% of 150.93 = 12.83
    for expected in ("Paolo Neri", "Rettifica: Contratto C-B0 riconosciuto 100,00 €", "Imponibile 150,93 €",
                     "IVA (non applicata, natura N2.2) 0,00 €", "Imposta di bollo 2,00 €",
                     "Totale documento 152,93 €", "Ritenuta d'acconto -0,00 €",
                     "Contributo ENASARCO a carico dell'agente -12,83 €", "Netto a pagare 140,10 €",
                     "regime forfettario", "Imposta di bollo assolta in modo virtuale"):
        assert expected in text, expected


def test_pdf_of_a_statement_with_an_advance_carries_the_label(network, batch, march_16):
    _issue(batch)
    assert "ANTICIPO PROVVIGIONALE SOGGETTO A CONGUAGLIO" in pdf_text(_invoice(network, "A1A").pdf).upper()
    assert "ANTICIPO PROVVIGIONALE" not in pdf_text(_invoice(network, "AGA").pdf).upper()


def test_issuing_again_issues_nothing_new(network, batch, march_16):
    first = _issue(batch)
    numbers = {i.id: (i.number, i.pdf_sha256) for i in first}
    assert _issue(batch) == []
    assert {i.id: (i.number, i.pdf_sha256) for i in db.session.scalars(select(Invoice))} == numbers
    assert db.session.get(InvoiceSequence, 2026).last_number == 5


@pytest.mark.parametrize("status", [BatchStatus.DRAFT, BatchStatus.REJECTED])
def test_only_an_approved_batch_is_issued(network, batch, status):
    batch.status = status
    db.session.commit()
    with pytest.raises(issuing.IssuingError, match=f"is {status.value}: only a batch approved by finance"):
        issuing.issue_invoices(db.session, _finance(), batch)


def test_a_rendering_failure_takes_no_number(network, batch, march_16, monkeypatch):
    def broken(head, bodies, **_):
        raise pdf.PdfError("wkhtmltopdf failed: out of memory")

    monkeypatch.setattr(pdf, "render_many", broken)
    with pytest.raises(pdf.PdfError):
        issuing.issue_invoices(db.session, _finance(), batch)
    db.session.rollback()
    assert db.session.get(InvoiceSequence, 2026) is None
    assert batch.status == BatchStatus.APPROVED
    assert db.session.scalar(select(Invoice.id).where(Invoice.number.is_not(None))) is None


def test_a_summary_that_does_not_add_up_stops_the_issue(network, batch, march_16):
    invoice = _invoice(network, "A1")
    invoice.taxable = Decimal("60.93")
    db.session.commit()
    with pytest.raises(document.DocumentError, match=f"invoice {invoice.id} .*adds up to 50.93, the taxable amount "
                                                      "is 60.93"):
        issuing.issue_invoices(db.session, _finance(), batch)
    db.session.rollback()
    assert db.session.get(InvoiceSequence, 2026) is None


def test_the_document_html_is_self_contained(network, batch):
    invoices = list(batch.invoices)
    [doc] = document.build(db.session, invoices[:1], date(2026, 3, 16), {invoices[0].id: "2026/000001"})
    html = rendering.html(doc)
    assert "<style>" in html and "Fattura pro-forma n. 2026/000001" in html
    for reference in ("http:", "https:", "file:", "src=", "<link", "<script", "url("):
        assert reference not in html, reference
