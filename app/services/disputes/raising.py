"""A partner's answer to its statement: accept it, or dispute some of its lines within the dispute window.

A dispute names the lines (each with the amount it had and, optionally, the amount the partner claims), a reason
and optionally one attachment (a PDF or an image). The statement then waits for the back-office; the workflow
task data gets the dispute's id only.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from decimal import InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import CommissionLine
from app.models import Role
from app.models.statement import Dispute
from app.models.statement import DisputedLine
from app.models.statement import Statement
from app.models.statement import StatementStatus
from app.services import audit
from app.services import notifications
from workflows import clock

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_REASON = 2000
# what the file starts with, by accepted type: the name alone proves nothing
SIGNATURES = {"application/pdf": (b"%PDF-",), "image/png": (b"\x89PNG\r\n\x1a\n",), "image/jpeg": (b"\xff\xd8\xff",)}
EXTENSIONS = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


class DisputeError(ValueError):
    """A dispute that cannot be raised or resolved as asked; the message says what and where."""


class DisputeWindowClosed(DisputeError):
    """The statement's dispute window has closed."""


@dataclass(frozen=True)
class Attachment:
    """A file the partner sends with its dispute."""

    name: str
    content: bytes

    @property
    def mimetype(self) -> str:
        return mimetype_of(self.name)


def mimetype_of(name: str) -> str:
    """Return the type of an accepted attachment by its name ("application/octet-stream" otherwise)."""
    dot = name.rfind(".")
    return EXTENSIONS.get(name[dot:].lower(), "application/octet-stream") if dot >= 0 else "application/octet-stream"


def check_attachment(attachment: Attachment) -> None:
    """Raise ``DisputeError`` unless the file is a PDF, PNG or JPEG of at most 5 MB whose content matches."""
    size = len(attachment.content)
    if size == 0:
        raise DisputeError(_("The attachment %(name)s is empty.", name=attachment.name))
    if size > MAX_ATTACHMENT_BYTES:
        raise DisputeError(_("The attachment %(name)s is %(size)s MB: at most 5 MB is accepted.",
                             name=attachment.name, size=f"{size / 1024 / 1024:.1f}"))
    signatures = SIGNATURES.get(attachment.mimetype)
    if signatures is None or not attachment.content.startswith(signatures):
        raise DisputeError(_("The attachment %(name)s is not a PDF, PNG or JPEG file.", name=attachment.name))


def parse_amount(text: str | None, where: str) -> Decimal | None:
    """Return an amount typed by a person ("1.234,50", "-12.5") as Decimal to the cent; None when blank."""
    text = (text or "").strip().replace(" ", "").replace("€", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise DisputeError(_("%(where)s: %(text)s is not an amount.", where=where, text=text)) from None
    if not value.is_finite() or abs(value) >= Decimal("1e9"):
        raise DisputeError(_("%(where)s: %(text)s is not an amount.", where=where, text=text))
    return value.quantize(Decimal("0.01"))


def ensure_window_open(statement: Statement, closes_at: datetime | None) -> None:
    """Raise ``DisputeWindowClosed`` when the window (the review task's timer) has passed."""
    if closes_at is not None and clock.now() >= closes_at:
        raise DisputeWindowClosed(_("The dispute window closed on %(when)s: the statement is accepted as "
                                    "published.", when=closes_at.strftime("%d/%m/%Y %H:%M")))


def _ensure_reviewable(user, statement: Statement) -> None:
    if user is None or user.partner_id != statement.partner_id:
        raise DisputeError(_("Only the partner of statement %(id)s reviews it.", id=statement.id))
    if statement.status != StatementStatus.PUBLISHED:
        raise DisputeError(_("Statement %(id)s is already %(status)s.", id=statement.id,
                             status=statement.status.value))


def statement_lines(session: Session, statement: Statement) -> dict[int, CommissionLine]:
    """Return the lines of a statement by id."""
    return {line.id: line for line in session.scalars(select(CommissionLine).where(
        CommissionLine.run_id == statement.run_id, CommissionLine.partner_id == statement.partner_id))}


def accept(session: Session, user, statement: Statement) -> None:
    """Record that the partner accepts its statement as published."""
    _ensure_reviewable(user, statement)
    statement.status, statement.reviewed_at, statement.reviewed_by = StatementStatus.ACCEPTED, clock.now(), user.id
    audit.record(session, user, "statement.accepted", "statement", statement.id,
                 before={"status": "published"}, after={"status": "accepted"},
                 summary=f"statement {statement.id} accepted by the partner")


def accept_by_default(session: Session, statement: Statement) -> None:
    """Record that the dispute window closed without an answer: the statement stands as published."""
    if statement.status != StatementStatus.PUBLISHED:
        return
    statement.status, statement.reviewed_at = StatementStatus.ACCEPTED, clock.now()
    audit.record(session, None, "statement.accepted_by_default", "statement", statement.id,
                 before={"status": "published"}, after={"status": "accepted"},
                 summary=f"dispute window of statement {statement.id} closed: accepted as published")


def raise_dispute(session: Session, user, statement: Statement, line_ids: list[int], reason: str,
                  claimed: dict[int, Decimal | None] | None = None, attachment: Attachment | None = None,
                  window_closes_at: datetime | None = None) -> Dispute:
    """Dispute ``line_ids`` of the statement with a reason (required), claimed amounts and an attachment."""
    _ensure_reviewable(user, statement)
    ensure_window_open(statement, window_closes_at)
    reason = (reason or "").strip()
    if not reason:
        raise DisputeError(_("Give the reason of the dispute."))
    if len(reason) > MAX_REASON:
        raise DisputeError(_("The reason is longer than %(n)s characters.", n=MAX_REASON))
    if not line_ids:
        raise DisputeError(_("Tick the lines you dispute."))
    lines = statement_lines(session, statement)
    unknown = sorted(set(line_ids) - set(lines))
    if unknown:
        raise DisputeError(_("Lines %(ids)s are not lines of statement %(id)s.",
                             ids=", ".join(map(str, unknown)), id=statement.id))
    if attachment is not None:
        check_attachment(attachment)
    claimed = claimed or {}
    dispute = Dispute(statement_id=statement.id, reason=reason, raised_by=user.id, raised_at=clock.now(),
                      attachment_name=attachment.name[:255] if attachment else None,
                      attachment=attachment.content if attachment else None)
    session.add(dispute)
    for line_id in sorted(set(line_ids)):
        line = lines[line_id]
        dispute.lines.append(DisputedLine(commission_line_id=line.id, line_key=line.line_key, amount=line.amount,
                                          claimed_amount=claimed.get(line_id)))
    statement.status, statement.reviewed_at, statement.reviewed_by = StatementStatus.DISPUTED, clock.now(), user.id
    session.flush()
    audit.record(session, user, "dispute.raised", "dispute", dispute.id, after={
        "statement_id": statement.id, "reason": reason, "attachment": dispute.attachment_name,
        "lines": [{"line_key": d.line_key, "amount": d.amount, "claimed": d.claimed_amount} for d in dispute.lines]},
        summary=f"dispute {dispute.id} raised on {len(dispute.lines)} lines of statement {statement.id}")
    period = statement.period.label
    notifications.notify(
        session, role=Role.BACKOFFICE, kind="dispute_raised",
        title=_l("Dispute raised: %(partner)s, %(period)s", partner=statement.partner.name, period=period),
        body=_l("%(partner)s disputes %(n)s lines of its statement of %(period)s: %(reason)s",
                partner=statement.partner.name, n=len(dispute.lines), period=period, reason=reason),
        link=notifications.link_to("statements.detail", month=period, partner_id=statement.partner_id))
    return dispute
