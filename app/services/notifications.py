"""Notifications: a message in the app for each user concerned and, when they have an address, an e-mail.

``notify`` writes one ``Notification`` row per recipient in the caller's transaction and queues the e-mails on the
session; they leave only after that transaction commits (a rolled-back change tells nobody), one message per
recipient through ``app.services.mail``, from a background thread when ``MAIL_IN_BACKGROUND`` is set (the
default outside tests). A mail server that refuses is logged and does not undo the change: the
in-app notification is the record.

Each recipient reads the title and body in their own language (their saved locale, else the app's default), not
in the language of whoever caused the notification: callers pass lazy strings (``lazy_gettext`` with its
variables) and ``notify`` renders them once per language among the recipients.
"""

import logging
import threading
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask import current_app
from flask import has_app_context
from flask import has_request_context
from flask import request
from flask import url_for
from flask_babel import force_locale
from flask_babel import format_decimal
from flask_babel.speaklater import LazyString
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import inspect
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.i18n import offered
from app.models import Notification
from app.models import Role
from app.models import User
from app.models import UserRole
from app.services import mail
from workflows import clock

logger = logging.getLogger(__name__)
OUTBOX = "notification_outbox"
Text = str | LazyString  # a lazy string is rendered in each recipient's language


@dataclass(frozen=True)
class _QueuedMail:
    notification: Notification
    address: str
    subject: str
    body: str


def recipients(session: Session, *, users=None, role: Role | str | None = None,
               partner_id: int | None = None) -> list[User]:
    """Return the active users named, holding ``role``, or belonging to ``partner_id`` (each once, by id)."""
    ids = {getattr(u, "id", u) for u in users or ()}
    conditions = []
    if ids:
        conditions.append(User.id.in_(ids))
    if role is not None:
        held = select(UserRole.user_id).where(UserRole.role == (role if isinstance(role, Role) else Role(role)))
        conditions.append(User.id.in_(held))
    if partner_id is not None:
        conditions.append(User.partner_id == partner_id)
    if not conditions:
        return []
    return list(session.scalars(select(User).where(User.active.is_(True), or_(*conditions)).order_by(User.id)))


def notify(session: Session, *, users: Iterable | None = None, role: Role | str | None = None,  # noqa: PLR0913 - one keyword per recipient set and message part: the stable signature every service calls
           partner_id: int | None = None, kind: str, title: Text, body: Text, link: str | None,
           email: bool = True) -> list[Notification]:
    """Notify the users named, holding ``role`` and of ``partner_id`` (their union); return the rows written.

    ``users`` are ``User`` rows or ids; ``link`` a path in the app (see ``link_to``). ``title`` and ``body`` given
    as lazy strings are written in each recipient's language. E-mails go to recipients with an address, after
    the transaction commits.
    """
    rows = []
    rendered: dict[str, tuple[str, str]] = {}
    for user in recipients(session, users=users, role=role, partner_id=partner_id):
        language = language_of(user)
        if language not in rendered:
            rendered[language] = _render(title, body, language)
        user_title, user_body = rendered[language]
        row = Notification(user_id=user.id, kind=kind, title=user_title[:200], body=user_body, link=link)
        session.add(row)
        rows.append(row)
        if email and user.email:
            session.info.setdefault(OUTBOX, []).append(
                _QueuedMail(row, user.email, user_title, _mail_body(user_body, link)))
    return rows


def language_of(user: User) -> str:
    """Return the language ``user`` reads: their saved locale when the app offers it, else the app's default."""
    if not has_app_context():
        return user.locale or ""
    return offered(user.locale)


def amount(value: Decimal) -> LazyString:
    """Return ``value`` as a notification writes an amount, in the way of each recipient's language."""
    return LazyString(format_decimal, value, format="#,##0.00")


def _render(title: Text, body: Text, language: str) -> tuple[str, str]:
    if isinstance(title, str) and isinstance(body, str):
        return title, body
    if not has_app_context():
        return str(title), str(body)
    with force_locale(language):
        return str(title), str(body)


@contextmanager
def default_language() -> Iterator[None]:
    """Translate in the app's default language when no request chose one (timers, workers, the CLI)."""
    if has_request_context() or not has_app_context():
        yield
        return
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "it")):
        yield


def link_to(endpoint: str, **values) -> str:
    """Return the path of ``endpoint`` for a notification's link, also outside a request (timers, workers)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def _mail_body(body: str, link: str | None) -> str:
    if not link:
        return body
    if has_request_context():
        base = request.host_url.rstrip("/")
    else:
        base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/") if has_app_context() else ""
    return f"{body}\n\n{base}{link}"


@event.listens_for(Session, "after_commit")
def _send_queued(session: Session) -> None:
    queued = session.info.pop(OUTBOX, None)
    if not queued or not has_app_context():
        return
    # a notification added inside a savepoint that was rolled back is no longer persistent: its mail stays
    messages = [(item.address, item.subject, item.body) for item in queued if inspect(item.notification).persistent]
    if current_app.config.get("MAIL_IN_BACKGROUND"):
        # hundreds of partners are told at once when statements are published: the request does not wait
        app = current_app._get_current_object()
        threading.Thread(target=_deliver_in_app, args=(app, messages), daemon=True).start()
    else:
        _deliver(messages)


def _deliver(messages: list[tuple[str, str, str]]) -> None:
    # one connection for all of them (a refused recipient does not stop the others)
    with mail.Sender() as sender:
        for address, subject, body in messages:
            try:
                sender.send(address, subject, body)
            except mail.MailError:
                logger.exception("notification %s: e-mail to %s not sent", subject, address)


def _deliver_in_app(app, messages: list[tuple[str, str, str]]) -> None:
    with app.app_context():
        _deliver(messages)


@event.listens_for(Session, "after_soft_rollback")
def _drop_queued(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(OUTBOX, None)


def unread_count(session: Session, user) -> int:
    """Return how many notifications ``user`` has not read."""
    return session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def of_user(user, *, unread_only: bool = False):
    """Return the query of ``user``'s notifications, newest first."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return query.order_by(Notification.created_at.desc(), Notification.id.desc())


def mark_read(session: Session, user, notification_id: int) -> Notification | None:
    """Mark one of ``user``'s notifications read; return it (None when it is not theirs)."""
    row = session.get(Notification, notification_id)
    if row is None or row.user_id != user.id:
        return None
    if row.read_at is None:
        row.read_at = clock.now()
    return row


def mark_all_read(session: Session, user, now: datetime | None = None) -> int:
    """Mark every unread notification of ``user`` read; return how many."""
    result = session.execute(update(Notification).where(Notification.user_id == user.id,
                                                        Notification.read_at.is_(None))
                             .values(read_at=now or clock.now()))
    return result.rowcount or 0
