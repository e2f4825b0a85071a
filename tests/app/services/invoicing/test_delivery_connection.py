"""A batch's pro-formas go over one SMTP connection, read from the database in a fixed number of queries: a
refused recipient is recorded on its invoice while the others still go, and a connection the server closes is
replaced for the invoices after it."""

from sqlalchemy import event
from sqlalchemy import inspect

from app.extensions import db
from app.models import Invoice
from app.models import Partner
from app.services.invoicing import delivery
from app.services.invoicing import issuing
from tests.app.services.smtp_connections import arrivals
from tests.app.services.smtp_connections import connections
from tests.app.services.smtp_connections import refusing


def _issued(batch) -> dict[str, Invoice]:
    issuing.issue_invoices(db.session, None, batch)
    db.session.commit()
    return {invoice.partner.code: invoice for invoice in batch.invoices}


def test_a_batch_goes_over_one_smtp_connection(network, batch, smtp_server):
    _issued(batch)
    opened, arrived = connections(smtp_server), arrivals(smtp_server)
    report = delivery.send_invoices(db.session, batch)
    db.session.commit()
    assert len(report.sent) == 5 and report.failed == []
    assert len(smtp_server.messages) == 5
    assert len(opened) == 1
    assert arrived == opened * 5


def test_a_refused_recipient_is_recorded_and_the_others_go_over_the_same_connection(network, batch, smtp_server):
    invoices = _issued(batch)
    opened, arrived = connections(smtp_server), arrivals(smtp_server)
    refusing(smtp_server, "paolo", "550 5.1.1 mailbox unavailable")
    report = delivery.send_invoices(db.session, batch)
    db.session.commit()
    assert sorted(invoice.partner.code for invoice in report.sent) == ["A1", "A1A", "AGA", "AGB"]
    [(refused, reason)] = report.failed
    assert refused.partner.code == "B1"
    assert reason.startswith(f"could not send 'Fattura pro-forma {invoices['B1'].number_text} di febbraio 2026' to ")
    assert "paolo.neri@example.it" in reason and "550" in reason and "mailbox unavailable" in reason
    b1 = db.session.get(Invoice, invoices["B1"].id)
    assert b1.emailed_at is None and b1.email_error == reason
    assert sorted(m["X-Envelope-To"] for m in smtp_server.messages) == [
        "amministrazione@alfa.example.it", "info@beta.example.it", "luca.bianchi@example.it",
        "mario.rossi@example.it"]
    assert len(opened) == 1 and arrived == opened * 4


def test_a_connection_the_server_closes_is_replaced_for_the_next_invoices(network, batch, smtp_server):
    invoices = _issued(batch)
    first = batch.invoices[0]
    opened, arrived = connections(smtp_server), arrivals(smtp_server)
    # 421: the server is closing the connection (smtplib hangs up at once)
    refusing(smtp_server, first.partner.email, "421 4.7.0 too many messages, closing connection")
    report = delivery.send_invoices(db.session, batch)
    db.session.commit()
    assert [invoice.id for invoice, _reason in report.failed] == [first.id]
    assert "421" in db.session.get(Invoice, first.id).email_error
    assert sorted(invoice.id for invoice in report.sent) == sorted(
        invoice.id for invoice in invoices.values() if invoice.id != first.id)
    assert len(smtp_server.messages) == 4
    assert len(opened) == 2 and arrived == [opened[1]] * 4


def test_the_batch_is_read_in_a_fixed_number_of_queries_and_only_unsent_pdfs(network, batch, smtp_server):
    _issued(batch)
    db.session.get(Partner, network.partners["AGB"]).email = "not an address"
    db.session.commit()
    selects = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        first = delivery.send_invoices(db.session, batch)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    db.session.commit()
    # the batch (expired by the commit), its invoices with partner, statement, period and the unsent ones' PDFs,
    # and the partners' languages: the same three for five invoices as for one
    assert len(selects) == 3, selects
    assert "invoice.pdf" in selects[1] and "JOIN partner" in selects[1]
    assert "FROM user" in selects[2].replace('"', "")  # PostgreSQL quotes the table's name
    assert len(first.sent) == 4 and [i.partner.code for i, _reason in first.failed] == ["AGB"]

    db.session.get(Partner, network.partners["AGB"]).email = "info@beta.example.it"
    db.session.commit()
    again = delivery.send_invoices(db.session, batch)
    assert [invoice.partner.code for invoice in again.sent] == ["AGB"]
    # the PDFs of the invoices e-mailed before were not read again
    assert all("pdf" in inspect(invoice).unloaded for invoice in again.already_sent)
    assert len(again.already_sent) == 4 and len(smtp_server.messages) == 5
