"""Outgoing e-mail: notifications and pro-forma invoices, through Flask-Mailman.

The transport is read from the configuration at every send, so an administrator (or a test) can point the app at
another SMTP server without restarting: ``MAIL_BACKEND`` is ``smtp`` when ``MAIL_SERVER`` is set, otherwise
``file`` (each message written under ``MAIL_FILE_PATH``, the demo's outbox); the test suite keeps messages in
memory (``locmem``) unless a test starts a real SMTP server.
"""

from collections.abc import Iterable
from pathlib import Path

from flask import current_app
from flask_mailman import EmailMultiAlternatives

from app.extensions import mail as mailman

Attachment = tuple[str, bytes, str]


class MailError(RuntimeError):
    """The message could not be handed to the mail server."""


def _connection():
    config = current_app.config
    backend = config.get("MAIL_BACKEND") or ("smtp" if config.get("MAIL_SERVER") else "file")
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


def send(to: str | Iterable[str], subject: str, body: str, *, html: str | None = None,
         attachments: Iterable[Attachment] = ()) -> int:
    """Send one message to ``to`` (an address or several); return how many messages were sent (0 or 1).

    Raises ``MailError`` naming the recipients when the server refuses or cannot be reached.
    """
    recipients = [to] if isinstance(to, str) else [address for address in to if address]
    if not recipients:
        return 0
    message = EmailMultiAlternatives(subject=subject, body=body, to=recipients,
                                     from_email=current_app.config.get("MAIL_DEFAULT_SENDER"),
                                     connection=_connection())
    if html:
        message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    try:
        return message.send()
    except OSError as exc:  # smtplib's errors are OSErrors: refused, unreachable, timed out
        raise MailError(f"could not send {subject!r} to {', '.join(recipients)}: {exc}") from exc
