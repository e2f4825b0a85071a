"""REST API clients: scoped API tokens (stored hashed) and the idempotency keys of their POSTs.

A token is shown to its creator once; Mandato keeps only its public prefix (to find it and to show which token
made a call) and the sha256 of the whole token. A token holds scopes (``contracts:write``, ``partners:read``
...) and may be limited to one partner and its downline. Revoking a token keeps the row, for the audit trail.

An idempotency key remembers the response of a successful POST, so a client that retries with the same key and
the same body gets the same response without the data being written twice.
"""

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import func
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.partner import Partner
from app.models.user import User


class ApiToken(db.Model):
    """A credential of an API client: a name, the prefix and hash of the secret, scopes, an optional partner."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list] = mapped_column(JSON)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    partner: Mapped[Partner | None] = relationship()
    creator: Mapped[User | None] = relationship(foreign_keys=[created_by])
    revoker: Mapped[User | None] = relationship(foreign_keys=[revoked_by])

    @property
    def active(self) -> bool:
        """Return True while the token has not been revoked."""
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        """Return True when the token holds ``scope``."""
        return scope in (self.scopes or [])


class IdempotencyKey(db.Model):
    """The stored response of a POST made with an ``Idempotency-Key``, per token."""

    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("token_id", "key", name="uq_idempotency_key_token_id_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id"))
    key: Mapped[str] = mapped_column(String(255))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
