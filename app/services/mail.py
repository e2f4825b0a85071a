"""Outgoing e-mail: notifications and pro-forma invoices, through Flask-Mailman.

The transport is read from the configuration when messages are sent, so an administrator (or a test) can point
the app at another SMTP server without restarting: ``MAIL_BACKEND`` is ``smtp`` when ``MAIL_SERVER`` is set,
otherwise ``file`` (each message written to its own file under ``MAIL_FILE_PATH``, the demo's outbox); the test
suite keeps messages in memory (``locmem``) unless a test starts a real SMTP server.

``send`` sends one message. A ``Sender`` sends many over one SMTP connection (a batch of invoices): connecting,
greeting and logging in once instead of once per message.
"""

import smtplib
from collections.abc import Iterable
from pathlib import Path

from flask import current_app
from flask_mailman import EmailMultiAlternatives

from app.extensions import mail as mailman

Attachment = tuple[str, bytes, str]

# The server refused one message and smtplib reset the transaction: the connection can carry the next one.
REFUSALS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


class MailError(RuntimeError):
    """The message could not be handed to the mail server."""


def _backend() -> str:
    config = current_app.config
    return config.get("MAIL_BACKEND") or ("smtp" if config.get("MAIL_SERVER") else "file")


def _connection(backend: str):
    config = current_app.config
    if backend == "smtp":
        return mailman.get_connection(
            "smtp", host=config.get("MAIL_SERVER") or "localhost", port=int(config.get("MAIL_PORT") or 25),
            username=config.get("MAIL_USERNAME") or "", password=config.get("MAIL_PASSWORD") or "",
            use_tls=bool(config.get("MAIL_USE_TLS")), use_ssl=bool(config.get("MAIL_USE_SSL")),
            timeout=config.get("MAIL_TIMEOUT") or 10)
    if backend == "file":
        folder = Path(config.get("MAIL_FILE_PATH") or Path(current_app.instance_path) / "outbox")
        folder.mkdir(parents=True, exist_ok=True)
        return mailman.get_connection("file", file_path=str(folder))
    return mailman.get_connection(backend)


class Sender:
    """Messages sent one by one over one SMTP connection, opened at the first message and closed by ``close``
    (or at the end of a ``with`` block).

    A message the server refuses raises ``MailError`` and the connection serves the next message; a connection
    that broke is dropped and the next message opens a new one, so one failure never stops the others. Other
    transports take each message on its own, as ``send`` does (one file per message in the outbox folder).
    """

    def __init__(self):
        self._backend = _backend()
        self._smtp = _connection("smtp") if self._backend == "smtp" else None

    def __enter__(self) -> "Sender":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def send(self, to: str | Iterable[str], subject: str, body: str, *, html: str | None = None,
             attachments: Iterable[Attachment] = ()) -> int:
        """Send one message to ``to`` (an address or several); return how many messages were sent (0 or 1).

        Raises ``MailError`` naming the recipients when the server refuses or cannot be reached.
        """
        recipients = [to] if isinstance(to, str) else [address for address in to if address]
        if not recipients:
            return 0
        connection = self._smtp if self._smtp is not None else _connection(self._backend)
        message = EmailMultiAlternatives(subject=subject, body=body, to=recipients,
                                         from_email=current_app.config.get("MAIL_DEFAULT_SENDER"),
                                         connection=connection)
        if html:
            message.attach_alternative(html, "text/html")
        for filename, content, mimetype in attachments:
            message.attach(filename, content, mimetype)
        try:
            if self._smtp is not None:
                self._smtp.open()  # once: an open connection stays open, and sending does not close it
            return message.send()
        except OSError as exc:  # smtplib's errors are OSErrors: refused, unreachable, timed out
            self._drop_unless_usable(exc)
            raise MailError(f"could not send {subject!r} to {', '.join(recipients)}: {exc}") from exc

    def _drop_unless_usable(self, error: OSError) -> None:
        if self._smtp is None:
            return
        client = self._smtp.connection
        if isinstance(error, REFUSALS) and client is not None and client.sock is not None:
            return
        self.close()

    def close(self) -> None:
        """Say goodbye to the SMTP server; the messages it accepted are sent even if the goodbye fails."""
        if self._smtp is None:
            return
        try:
            self._smtp.close()
        except OSError:
            current_app.logger.warning("the SMTP connection did not close cleanly", exc_info=True)


def send(to: str | Iterable[str], subject: str, body: str, *, html: str | None = None,
         attachments: Iterable[Attachment] = ()) -> int:
    """Send one message to ``to`` (an address or several) over its own connection; return how many messages
    were sent (0 or 1).

    Raises ``MailError`` naming the recipients when the server refuses or cannot be reached.
    """
    with Sender() as sender:
        return sender.send(to, subject, body, html=html, attachments=attachments)
