"""Token authentication of the API: ``Authorization: Bearer <token>`` and one scope per route.

401 when the header is missing, the token unknown or revoked (with ``WWW-Authenticate: Bearer``); 403 when the
token lacks the route's scope. The token of the call is in ``g.api_token`` for the view; a token limited to a
partner sees that partner and its downline as of today (:func:`partner_scope`).
"""

from collections.abc import Callable
from datetime import date
from functools import wraps

from flask import g
from flask import request
from flask_babel import force_locale
from flask_babel import gettext as _

from app.api.errors import api_locale
from app.api.errors import error
from app.extensions import db
from app.models import ApiToken
from app.services import api_tokens
from app.services import network


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def _unauthorized(message: str, reason: str | None = None):
    challenge = 'Bearer realm="mandato"' + (f', error="{reason}"' if reason else "")
    return error(401, "unauthorized", message, headers={"WWW-Authenticate": challenge})


def token_required(scope: str) -> Callable:
    """Allow the view to calls whose bearer token holds ``scope``."""
    if scope not in api_tokens.SCOPES:
        raise ValueError(f"unknown API scope {scope}")

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            secret = _bearer()
            token = api_tokens.authenticate(db.session, secret) if secret else None
            with force_locale(api_locale()):
                if secret is None:
                    return _unauthorized(_("Send an API token: Authorization: Bearer <token>."))
                if token is None:
                    return _unauthorized(_("The API token is unknown or revoked."), "invalid_token")
                if not token.allows(scope):
                    return error(403, "insufficient_scope", _("This token lacks the scope %(scope)s.", scope=scope),
                                 headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'})
            if api_tokens.mark_used(token):
                db.session.commit()
            g.api_token = token
            with force_locale(api_locale()):
                return view(*args, **kwargs)

        guarded.required_scope = scope
        return guarded

    return decorate


def current_token() -> ApiToken:
    """Return the token of this call."""
    return g.api_token


def partner_scope() -> set[int] | None:
    """Return the partner ids this call's token may read, or None when it may read every partner."""
    token = current_token()
    if token.partner_id is None:
        return None
    return network.downline_ids(db.session, token.partner_id, date.today(), include_self=True)
