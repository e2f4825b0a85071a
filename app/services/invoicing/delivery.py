"""Sending each partner its pro-forma invoice by e-mail, the stored PDF attached.

One message per invoice, to the partner's address, in the language of the partner's users (Italian by default).
A missing, malformed or refused address is recorded on the invoice and in the audit log and reported back; it
does not stop the other partners' messages. An invoice already e-mailed is not sent again.

A batch's messages go over one connection to the mail server, and what they need (partner, period, PDF, the
partners' languages) is read for the whole batch at once, not invoice by invoice.
"""

from dataclasses import dataclass
from dataclasses import field

from babel.dates import format_date
from email_validator import EmailNotValidError
from email_validator import validate_email
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import case
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import joinedload

from app.i18n import offered
from app.models import Invoice
from app.models import InvoiceBatch
from app.models import Statement
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


def _locales(session: Session, partner_ids: set[int]) -> dict[int, str]:
    """Return the language saved by each partner's first user that saved one, for all ``partner_ids`` at once."""
    chosen: dict[int, str] = {}
    if partner_ids:
        rows = session.execute(select(User.partner_id, User.locale).where(
            User.partner_id.in_(partner_ids), User.locale.is_not(None)).order_by(User.id))
        for partner_id, locale in rows:
            chosen.setdefault(partner_id, locale)
    return chosen


def _issued(session: Session, batch: InvoiceBatch) -> list[tuple[Invoice, bytes | None]]:
    """Return the batch's issued invoices in order, with partner, statement and period, each with its PDF when it
    is still to be e-mailed, in one query (the column is deferred: the PDFs of invoices sent before stay unread)."""
    unsent_pdf = case((Invoice.emailed_at.is_(None), Invoice.pdf)).label("unsent_pdf")
    query = (select(Invoice, unsent_pdf).where(Invoice.batch_id == batch.id, Invoice.number.is_not(None))
             .order_by(Invoice.id)
             .options(joinedload(Invoice.partner), joinedload(Invoice.statement).joinedload(Statement.period))
             # the invoices' sent-or-not as read with their PDFs, even for invoices the session already holds
             .execution_options(populate_existing=True))
    return list(session.execute(query).tuples())


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


def _send(sender: mail.Sender, invoice: Invoice, pdf: bytes | None, locale: str) -> str:
    """Send one invoice with its PDF; return the address it went to."""
    address = _address(invoice)
    with force_locale(locale):
        subject, body = _message(invoice, locale)
    sender.send(address, subject, body, attachments=[(attachment_name(invoice), pdf, "application/pdf")])
    return address


def send_invoices(session: Session, batch: InvoiceBatch, user=None) -> DeliveryReport:
    """E-mail every issued invoice of ``batch`` not sent yet to its partner; return what was sent and what failed."""
    report = DeliveryReport()
    issued = _issued(session, batch)  # not issued: no PDF to send
    report.already_sent = [invoice for invoice, _pdf in issued if invoice.emailed_at is not None]
    unsent = [(invoice, pdf) for invoice, pdf in issued if invoice.emailed_at is None]
    locales = _locales(session, {invoice.partner_id for invoice, _pdf in unsent})
    with mail.Sender() as sender:
        for invoice, pdf in unsent:
            try:
                address = _send(sender, invoice, pdf, offered(locales.get(invoice.partner_id)))
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
