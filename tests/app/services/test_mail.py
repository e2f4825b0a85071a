"""Outgoing e-mail through a real local SMTP server."""

import pytest

from app.services import mail


def test_a_message_with_an_attachment_reaches_the_smtp_server(app, smtp_server):
    sent = mail.send(["agente@example.it", ""], "Fattura 2026/000001", "In allegato la fattura.",
                     attachments=[("fattura.pdf", b"%PDF-1.4 test", "application/pdf")])

    assert sent == 1
    [message] = smtp_server.messages
    assert message["Subject"] == "Fattura 2026/000001"
    assert message["X-Envelope-To"] == "agente@example.it"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "fattura.pdf"
    assert attachment.get_content() == b"%PDF-1.4 test"


def test_no_recipient_sends_nothing(app, smtp_server):
    assert mail.send([], "x", "y") == 0
    assert smtp_server.messages == []


def test_an_unreachable_server_is_a_clear_error(app, smtp_server):
    app.config["MAIL_PORT"] = 1  # nothing listens there
    with pytest.raises(mail.MailError, match="to a@example.it"):
        mail.send("a@example.it", "x", "y")


def test_without_smtp_messages_go_to_the_outbox_folder(app, tmp_path):
    app.config.update(MAIL_BACKEND="file", MAIL_FILE_PATH=str(tmp_path / "outbox"))
    assert mail.send("a@example.it", "Oggetto", "Testo") == 1
    [written] = list((tmp_path / "outbox").iterdir())
    assert "Oggetto" in written.read_text()
