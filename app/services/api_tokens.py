"""API tokens: create one (its secret is returned once, only its sha256 is kept), revoke it, authenticate a call.

A token reads ``mnd_<8 hex>_<43 url-safe characters>``: the first part is the public prefix (stored, shown in
the admin list and in the lineage of what the token pushed), the whole string is hashed with sha256. The secret
has 256 random bits, so a fast hash is enough (a slow password hash protects guessable passwords, not this),
and it is compared in constant time.

A token limited to a partner reads only that partner and its downline, and holds read scopes only: pushing the
principal's contracts and bills is the principal's systems' job, not a partner's.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ApiToken
from app.models import Partner
from app.services import audit

PREFIX = "mnd_"
SCOPES = {
    "contracts:write": _l("Push contracts and their customers"),
    "events:write": _l("Push contract status events"),
    "billing:write": _l("Push billing lines"),
    "partners:read": _l("Read partners"),
    "statements:read": _l("Read statements"),
    "accruals:read": _l("Read accrued balances"),
}
READ_SCOPES = frozenset(scope for scope in SCOPES if scope.endswith(":read"))
# Writing last_used_at on every call would make each read a write: once a minute is precise enough.
USE_RESOLUTION = timedelta(minutes=1)


class TokenError(ValueError):
    """A token that cannot be created as asked (no scope, unknown scope, write scope for a partner); the admin
    form checks the same rules first, with translated messages."""


@dataclass(frozen=True)
class IssuedToken:
    """A new token and its secret, which is never stored and never shown again."""

    token: ApiToken
    secret: str


def digest(secret: str) -> str:
    """Return the sha256 (hex) kept for ``secret``."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _prefix_of(secret: str) -> str | None:
    """Return the public prefix of ``secret`` (``mnd_`` and 8 hex digits before an ``_``), or None."""
    prefix = secret[:len(PREFIX) + 8]
    if not prefix.startswith(PREFIX) or secret[len(prefix):len(prefix) + 1] != "_":
        return None
    return prefix


def create(session: Session, user, name: str, scopes: list[str], partner: Partner | None = None) -> IssuedToken:
    """Create a token named ``name`` with ``scopes`` (limited to ``partner`` and its downline when given)."""
    scopes = sorted(set(scopes))
    if not scopes:
        raise TokenError("a token needs at least one scope")
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown:
        raise TokenError(f"unknown scope {', '.join(unknown)}")
    if partner is not None and not set(scopes) <= READ_SCOPES:
        raise TokenError("a token limited to a partner can only hold read scopes")
    while True:  # a prefix collision is a 1 in 4 billion event per token: draw again
        prefix = PREFIX + secrets.token_hex(4)
        if session.scalar(select(ApiToken.id).where(ApiToken.prefix == prefix)) is None:
            break
    secret = f"{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(name=name.strip(), prefix=prefix, secret_hash=digest(secret), scopes=scopes,
                     partner_id=partner.id if partner else None, created_by=getattr(user, "id", None))
    session.add(token)
    session.flush()
    audit.record(session, user, "api_token.created", "api_token", token.id,
                 after={"name": token.name, "prefix": prefix, "scopes": scopes,
                        "partner": partner.code if partner else None},
                 summary=f"API token {token.name} ({prefix})")
    return IssuedToken(token, secret)


def revoke(session: Session, user, token: ApiToken) -> bool:
    """Revoke ``token`` (calls with it get 401 from now on); return False when it was already revoked."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = datetime.now(UTC)
    token.revoked_by = getattr(user, "id", None)
    audit.record(session, user, "api_token.revoked", "api_token", token.id,
                 before={"revoked_at": None}, after={"revoked_at": token.revoked_at},
                 summary=f"API token {token.name} ({token.prefix}) revoked")
    return True


def authenticate(session: Session, secret: str) -> ApiToken | None:
    """Return the active token whose secret is ``secret``, or None (unknown, malformed or revoked)."""
    prefix = _prefix_of(secret.strip())
    if prefix is None:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
    if token is None or not hmac.compare_digest(token.secret_hash, digest(secret.strip())):
        return None
    return token if token.active else None


def mark_used(token: ApiToken, now: datetime | None = None) -> bool:
    """Record that ``token`` was used now (at most once a minute); return True when it changed."""
    now = now or datetime.now(UTC)
    last = token.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    if last is not None and now - last < USE_RESOLUTION:
        return False
    token.last_used_at = now
    return True


def listing(session: Session) -> list[ApiToken]:
    """Return every token, active ones first, newest first."""
    return list(session.scalars(select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))
