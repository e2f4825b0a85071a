"""The connection settings: where Salesforce is, how to sign in, and how often the scheduled sync runs.

The client secret and the refresh token are encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256) under a
key derived from the app's ``SECRET_KEY``, so a database dump alone does not reveal them; they are never sent
back to a browser (the form leaves them empty, and an empty field keeps the stored value). Rotating
``SECRET_KEY`` makes them unreadable: enter them again.
"""

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime

from cryptography.fernet import Fernet
from cryptography.fernet import InvalidToken
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import SalesforceConnection
from app.services import audit

CLIENT_CREDENTIALS = "client_credentials"
REFRESH_TOKEN = "refresh_token"
FLOWS = (CLIENT_CREDENTIALS, REFRESH_TOKEN)
DEFAULT_TOKEN_URL = "https://login.salesforce.com/services/oauth2/token"
DEFAULT_API_VERSION = "v60.0"


class ConnectionError_(ValueError):  # noqa: N801 - not the builtin ConnectionError
    """The connection is not configured, or its secrets cannot be read."""


@dataclass(frozen=True)
class Settings:
    """Everything the client needs to sign in, secrets in clear (kept in memory only)."""

    instance_url: str
    token_url: str
    client_id: str
    client_secret: str
    auth_flow: str = CLIENT_CREDENTIALS
    refresh_token: str | None = None
    api_version: str = DEFAULT_API_VERSION


def _fernet() -> Fernet:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"mandato-salesforce:" + secret).digest()))


def encrypt(text: str) -> str:
    """Return ``text`` encrypted for storage."""
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """Return the clear text of a stored secret; ConnectionError_ when the key has changed."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ConnectionError_("the stored Salesforce secret cannot be decrypted (SECRET_KEY changed?): "
                               "enter it again") from exc


def stored(session: Session) -> SalesforceConnection | None:
    """Return the connection row, if configured."""
    return session.scalar(select(SalesforceConnection).order_by(SalesforceConnection.id).limit(1))


def settings(session: Session) -> Settings:
    """Return the settings to sign in with; ConnectionError_ when not configured."""
    row = stored(session)
    if row is None or not row.client_secret_encrypted:
        raise ConnectionError_("the Salesforce connection is not configured")
    refresh = decrypt(row.refresh_token_encrypted) if row.refresh_token_encrypted else None
    if row.auth_flow == REFRESH_TOKEN and not refresh:
        raise ConnectionError_("the refresh-token flow needs a refresh token")
    return Settings(row.instance_url, row.token_url, row.client_id, decrypt(row.client_secret_encrypted),
                    row.auth_flow, refresh, row.api_version)


@dataclass(frozen=True)
class Setup:
    """The visible settings of the connection (the secrets travel apart, and only when changed)."""

    instance_url: str
    token_url: str
    client_id: str
    auth_flow: str = CLIENT_CREDENTIALS
    api_version: str = DEFAULT_API_VERSION
    interval_minutes: int = 60
    scheduled: bool = False


VISIBLE = tuple(Setup.__dataclass_fields__)


def save(session: Session, user, setup: Setup, client_secret: str | None = None,
         refresh_token: str | None = None) -> SalesforceConnection:
    """Store the connection; an empty secret keeps the stored one. The audit entry never holds a secret."""
    if setup.auth_flow not in FLOWS:
        raise ConnectionError_(f"unknown auth flow {setup.auth_flow!r}")
    row = stored(session)
    if row is None:
        if not client_secret:
            raise ConnectionError_("the client secret is required")
        row = SalesforceConnection()
        session.add(row)
    before = {name: getattr(row, name) for name in VISIBLE}
    for name in VISIBLE:
        setattr(row, name, getattr(setup, name))
    row.instance_url = setup.instance_url.rstrip("/")
    changed_secrets = []
    if client_secret:
        row.client_secret_encrypted = encrypt(client_secret)
        changed_secrets.append("client_secret")
    if refresh_token:
        row.refresh_token_encrypted = encrypt(refresh_token)
        changed_secrets.append("refresh_token")
    if setup.auth_flow == REFRESH_TOKEN and not row.refresh_token_encrypted:
        raise ConnectionError_("the refresh-token flow needs a refresh token")
    row.updated_by, row.updated_at = getattr(user, "id", None), datetime.now(UTC)
    session.flush()
    audit.record(session, user, "salesforce.connection_changed", "salesforce_connection", row.id,
                 before=before, after={**{name: getattr(row, name) for name in VISIBLE},
                                       "secrets_changed": changed_secrets})
    return row
