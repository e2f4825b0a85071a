"""Access control: which roles may call a route, and which partners a user may see.

Every view declares its policy with ``@requires(...)`` (or ``@public``); a test walks the URL map and fails when
a view declares none. Partner users are scoped to their own partner and its downline as of today; staff roles
see the whole network.
"""

from collections.abc import Callable
from datetime import date
from functools import wraps

from flask import abort
from flask_login import current_user
from flask_login import login_required

from app.extensions import db
from app.models import Role
from app.services import network

STAFF = frozenset(
    {Role.ADMIN, Role.BACKOFFICE, Role.BACKOFFICE_LEAD, Role.SALES_MANAGER, Role.FINANCE, Role.AUDITOR}
)
EVERYONE = frozenset(Role)


def requires(*roles: Role) -> Callable:
    """Allow the view to signed-in users holding any of ``roles``; others get 403."""
    allowed = frozenset(roles)

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.has_role(*allowed):
                abort(403)
            return view(*args, **kwargs)

        wrapped = login_required(guarded)
        wrapped.allowed_roles = allowed
        return wrapped

    return decorate


def public(view: Callable) -> Callable:
    """Mark a view as open to anonymous users (login page, health check)."""
    view.allowed_roles = None
    return view


def is_staff(user) -> bool:
    """Return True when ``user`` sees the whole network."""
    return user.has_role(*STAFF)


def visible_partner_ids(user, as_of: date | None = None) -> set[int] | None:
    """Return the partner ids ``user`` may see, or None when it may see all of them."""
    if is_staff(user):
        return None
    if user.partner_id is None:
        return set()
    return network.downline_ids(db.session, user.partner_id, as_of or date.today(), include_self=True)


def ensure_partner_visible(user, partner_id: int, as_of: date | None = None) -> None:
    """Abort with 403 unless ``user`` may see ``partner_id``."""
    scope = visible_partner_ids(user, as_of)
    if scope is not None and partner_id not in scope:
        abort(403)
