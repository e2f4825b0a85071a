"""Sending each partner its pro-forma by e-mail through a real local SMTP server: recipient, subject, the stored
PDF attached; a refused or missing address is recorded and reported without stopping the others."""

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry
from app.models import Invoice
from app.models import Partner
from app.models import User
from app.services.invoicing import delivery
from app.services.invoicing import issuing
from tests.app.services.smtp_connections import refusing


def _issued(batch):
    issuing.issue_invoices(db.session, None, batch)
    db.session.commit()
    return {invoice.partner.code: invoice for invoice in batch.invoices}


def _attachment(message):
    [part] = [p for p in message.iter_attachments()]
    return part.get_filename(), part.get_content_type(), part.get_content()


def test_every_partner_gets_its_stored_pdf(network, batch, smtp_server):
    invoices = _issued(batch)
    db.session.get(User, network.users["agente"]).locale = "en"
    report = delivery.send_invoices(db.session, batch)
    db.session.commit()
    assert len(report.sent) == 5 and report.failed == []
    by_recipient = {m["To"]: m for m in smtp_server.messages}
    assert set(by_recipient) == {"mario.rossi@example.it", "paolo.neri@example.it", "luca.bianchi@example.it",
                                 "amministrazione@alfa.example.it", "info@beta.example.it"}
    a1 = invoices["A1"]
    message = by_recipient["mario.rossi@example.it"]  # A1's user reads English
    assert message["Subject"] == f"Pro-forma invoice {a1.number_text} for February 2026"
    assert message["X-Envelope-To"] == "mario.rossi@example.it"
    assert "net payable 51,94 €" in message.get_body(("plain",)).get_content()
    b1 = by_recipient["paolo.neri@example.it"]  # no user of its own: the default language, Italian
    assert invoices["B1"].number_text in b1["Subject"] and "febbraio 2026" in b1["Subject"]
    name, mimetype, content = _attachment(message)
    assert (name, mimetype) == (f"fattura-proforma-2026-{a1.number:06d}.pdf", "application/pdf")
    assert content == a1.pdf
    assert all(invoice.emailed_at is not None for invoice in invoices.values())


def test_a_refused_and_a_missing_address_are_recorded_and_the_others_sent(network, batch, smtp_server):
    invoices = _issued(batch)
    db.session.get(Partner, network.partners["AGB"]).email = None

    refusing(smtp_server, "paolo", "550 5.1.1 mailbox unavailable")
    report = delivery.send_invoices(db.session, batch)
    db.session.commit()
    assert sorted(i.partner.code for i in report.sent) == ["A1", "A1A", "AGA"]
    failed = {invoice.partner.code: reason for invoice, reason in report.failed}
    assert set(failed) == {"B1", "AGB"}
    assert "paolo.neri@example.it" in failed["B1"] and "mailbox unavailable" in failed["B1"]
    assert failed["AGB"] == "partner AGB has no e-mail address"
    assert len(smtp_server.messages) == 3
    b1 = db.session.get(Invoice, invoices["B1"].id)
    assert b1.emailed_at is None and "mailbox unavailable" in b1.email_error
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "invoice_batch.emailed")).after[
        "failed"] == sorted([invoices["B1"].number_text, invoices["AGB"].number_text],
                            key=[i.number_text for i in batch.invoices].index)


def test_sending_again_sends_only_what_failed(network, batch, smtp_server):
    _issued(batch)
    db.session.get(Partner, network.partners["AGB"]).email = "not an address"
    first = delivery.send_invoices(db.session, batch)
    assert [i.partner.code for i, _reason in first.failed] == ["AGB"]
    assert "is not valid" in first.failed[0][1]
    db.session.get(Partner, network.partners["AGB"]).email = "info@beta.example.it"
    again = delivery.send_invoices(db.session, batch)
    db.session.commit()
    assert [i.partner.code for i in again.sent] == ["AGB"] and len(again.already_sent) == 4
    assert len(smtp_server.messages) == 5
    assert db.session.scalar(select(Invoice).where(Invoice.partner_id == network.partners["AGB"])).email_error is None
