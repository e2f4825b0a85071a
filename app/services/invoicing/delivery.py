"""Sending each partner its pro-forma invoice by e-mail, the stored PDF attached.

One message per invoice, to the partner's address, in the language of the partner's users (Italian by default).
A missing, malformed or refused address is recorded on the invoice and in the audit log and reported back; it
does not stop the other partners' messages. An invoice already e-mailed is not sent again.
"""

from dataclasses import dataclass
from dataclasses import field

from babel.dates import format_date
from email_validator import EmailNotValidError
from email_validator import validate_email
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Invoice
from app.models import InvoiceBatch
from app.models import User
from app.services import audit
from app.services import mail
from app.services.invoicing.document import euro
from app.services.invoicing.document import italian_date
from workflows import clock


@dataclass
class DeliveryReport:
    """What happened to each invoice of a batch: sent, failed (with the reason), or skipped as sent before."""

    sent: list[Invoice] = field(default_factory=list)
    failed: list[tuple[Invoice, str]] = field(default_factory=list)
    already_sent: list[Invoice] = field(default_factory=list)


def attachment_name(invoice: Invoice) -> str:
    """Return the file name of an invoice's PDF: fattura-proforma-2026-000017.pdf."""
    return f"fattura-proforma-{invoice.year}-{invoice.number:06d}.pdf"


def _address(invoice: Invoice) -> str:
    """Return the partner's normalised address; raise ValueError naming what is wrong with it."""
    address = (invoice.partner.email or "").strip()
    if not address:
        raise ValueError(f"partner {invoice.partner.code} has no e-mail address")
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"partner {invoice.partner.code}: e-mail address {address!r} is not valid ({exc})") from None


def _locale(session: Session, partner_id: int) -> str:
    chosen = session.scalar(select(User.locale).where(User.partner_id == partner_id, User.locale.is_not(None))
                            .order_by(User.id).limit(1))
    return chosen if chosen in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def _message(invoice: Invoice, locale: str) -> tuple[str, str]:
    """Return the subject and body of the invoice's message in ``locale``."""
    period = format_date(invoice.statement.period.month, "MMMM yyyy", locale=locale)
    subject = _("Pro-forma invoice %(number)s for %(period)s", number=invoice.number_text, period=period)
    body = _("Dear %(name)s,\n\nattached is the pro-forma invoice %(number)s of %(date)s for your commissions of "
             "%(period)s: document total %(total)s, net payable %(net)s.\nPlease issue your invoice with the "
             "same data.\n\nThis message was sent automatically by Mandato.",
             name=invoice.partner.name, number=invoice.number_text, date=italian_date(invoice.document_date),
             period=period, total=euro(invoice.document_total), net=euro(invoice.net_payable))
    return subject, body


def _send(session: Session, invoice: Invoice) -> str:
    """Send one invoice; return the address it went to."""
    address = _address(invoice)
    locale = _locale(session, invoice.partner_id)
    with force_locale(locale):
        subject, body = _message(invoice, locale)
    mail.send(address, subject, body, attachments=[(attachment_name(invoice), invoice.pdf, "application/pdf")])
    return address


def send_invoices(session: Session, batch: InvoiceBatch, user=None) -> DeliveryReport:
    """E-mail every issued invoice of ``batch`` not sent yet to its partner; return what was sent and what failed."""
    report = DeliveryReport()
    for invoice in batch.invoices:
        if invoice.number is None:  # not issued: no PDF to send
            continue
        if invoice.emailed_at is not None:
            report.already_sent.append(invoice)
            continue
        try:
            address = _send(session, invoice)
        except (ValueError, mail.MailError) as exc:
            invoice.email_error = str(exc)
            report.failed.append((invoice, str(exc)))
            audit.record(session, user, "invoice.email_failed", "invoice", invoice.id,
                         after={"number": invoice.number_text, "error": str(exc)})
            continue
        invoice.emailed_at, invoice.email_error = clock.now(), None
        report.sent.append(invoice)
        audit.record(session, user, "invoice.emailed", "invoice", invoice.id,
                     after={"number": invoice.number_text, "to": address, "pdf_sha256": invoice.pdf_sha256})
    audit.record(session, user, "invoice_batch.emailed", "invoice_batch", batch.id,
                 after={"sent": len(report.sent), "failed": [invoice.number_text for invoice, _reason in report.failed],
                        "already_sent": len(report.already_sent)})
    session.flush()
    return report
