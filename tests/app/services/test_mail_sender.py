"""Several messages over one SMTP connection (``mail.Sender``), through a real local SMTP server; ``mail.send``
keeps one connection per message, and the outbox folder one file per message."""

import pytest

from app.services import mail
from tests.app.services.smtp_connections import arrivals
from tests.app.services.smtp_connections import connections
from tests.app.services.smtp_connections import refusing


def test_a_sender_sends_its_messages_over_one_connection(app, smtp_server):
    opened, arrived = connections(smtp_server), arrivals(smtp_server)
    with mail.Sender() as sender:
        assert opened == []  # nothing to send yet: no connection
        for n in (1, 2, 3):
            assert sender.send(f"agente{n}@example.it", f"Messaggio {n}", "Testo",
                               attachments=[("fattura.pdf", b"%PDF-1.4 " + bytes([n]), "application/pdf")]) == 1
    assert [m["Subject"] for m in smtp_server.messages] == ["Messaggio 1", "Messaggio 2", "Messaggio 3"]
    assert [m["X-Envelope-To"] for m in smtp_server.messages] == [
        "agente1@example.it", "agente2@example.it", "agente3@example.it"]
    assert [next(m.iter_attachments()).get_content() for m in smtp_server.messages] == [
        b"%PDF-1.4 \x01", b"%PDF-1.4 \x02", b"%PDF-1.4 \x03"]
    assert len(opened) == 1 and arrived == opened * 3


def test_send_opens_a_connection_for_each_message(app, smtp_server):
    opened, arrived = connections(smtp_server), arrivals(smtp_server)
    assert mail.send("a@example.it", "Primo", "Testo") == 1
    assert mail.send("b@example.it", "Secondo", "Testo") == 1
    assert len(opened) == 2 and arrived == opened


def test_after_a_refused_message_the_next_goes_over_the_same_connection(app, smtp_server):
    opened, arrived = connections(smtp_server), arrivals(smtp_server)
    refusing(smtp_server, "rifiutato", "550 5.1.1 mailbox unavailable")
    with mail.Sender() as sender:
        assert sender.send("primo@example.it", "Uno", "Testo") == 1
        with pytest.raises(mail.MailError, match=r"could not send 'Due' to rifiutato@example.it: .*550"):
            sender.send("rifiutato@example.it", "Due", "Testo")
        assert sender.send("terzo@example.it", "Tre", "Testo") == 1
    assert [m["Subject"] for m in smtp_server.messages] == ["Uno", "Tre"]
    assert len(opened) == 1 and arrived == opened * 2


def test_a_closed_connection_is_replaced_by_a_new_one(app, smtp_server):
    opened, arrived = connections(smtp_server), arrivals(smtp_server)
    refusing(smtp_server, "chiude", "421 4.7.0 closing connection")  # smtplib hangs up on a 421
    with mail.Sender() as sender:
        assert sender.send("primo@example.it", "Uno", "Testo") == 1
        with pytest.raises(mail.MailError, match="421"):
            sender.send("chiude@example.it", "Due", "Testo")
        assert sender.send("terzo@example.it", "Tre", "Testo") == 1
        assert sender.send("quarto@example.it", "Quattro", "Testo") == 1
    assert [m["Subject"] for m in smtp_server.messages] == ["Uno", "Tre", "Quattro"]
    assert len(opened) == 2 and arrived == [opened[0], opened[1], opened[1]]


def test_an_unreachable_server_fails_each_message_on_its_own(app, smtp_server):
    app.config["MAIL_PORT"] = 1  # nothing listens there
    with mail.Sender() as sender:
        with pytest.raises(mail.MailError, match="to a@example.it"):
            sender.send("a@example.it", "x", "y")
        with pytest.raises(mail.MailError, match="to b@example.it"):
            sender.send("b@example.it", "x", "y")
    assert smtp_server.messages == []


def test_without_smtp_a_sender_writes_each_message_to_its_own_file(app, tmp_path):
    app.config.update(MAIL_BACKEND="file", MAIL_FILE_PATH=str(tmp_path / "outbox"))
    with mail.Sender() as sender:
        assert sender.send("a@example.it", "Oggetto uno", "Testo") == 1
        assert sender.send("b@example.it", "Oggetto due", "Testo") == 1
    written = sorted(path.read_text() for path in (tmp_path / "outbox").iterdir())
    assert len(written) == 2
    assert sorted("Oggetto uno" in text for text in written) == [False, True]
    assert sorted("Oggetto due" in text for text in written) == [False, True]
