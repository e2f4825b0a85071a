"""User accounts: authentication against a pluggable identity source, roles, and the login trail."""

from datetime import UTC
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Role
from app.models import User
from app.models import UserRole
from app.services import audit


def authenticate(session: Session, username: str, password: str) -> User | None:
    """Return the active local user matching the credentials, recording the attempt either way."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active or user.auth_provider != "local" or not user.check_password(password):
        audit.record(session, None, "auth.login_failed", "user", getattr(user, "id", None),
                     summary=f"failed sign-in for {username.strip()[:80]!r}")
        return None
    user.last_login_at = datetime.now(UTC)
    audit.record(session, user, "auth.login", "user", user.id)
    return user


def record_logout(session: Session, user: User) -> None:
    """Record that ``user`` signed out."""
    audit.record(session, user, "auth.logout", "user", user.id)


def set_locale(session: Session, user: User, locale: str) -> None:
    """Save the user's language choice."""
    before = user.locale
    user.locale = locale
    audit.record(session, user, "user.locale_changed", "user", user.id,
                 before={"locale": before}, after={"locale": locale})


def create_user(session: Session, actor, *, username: str, full_name: str, password: str | None,
                roles: list[Role], partner_id: int | None = None, email: str | None = None) -> User:
    """Create a local user with ``roles``; a partner user must name its partner."""
    if Role.PARTNER in roles and partner_id is None:
        raise ValueError("a partner user belongs to one partner: partner_id is required")
    user = User(username=username, full_name=full_name, email=email, partner_id=partner_id)
    if password:
        user.set_password(password)
    user.role_rows = [UserRole(role=role) for role in roles]
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.created", "user", user.id,
                 after={"username": username, "roles": sorted(r.value for r in roles), "partner_id": partner_id})
    return user
