"""Users, their roles, and the partner a partner user belongs to.

Identity is pluggable: ``auth_provider`` says who vouches for the user (a local password today, an OpenID
Connect provider later), and the rest of the app only sees a ``User`` with roles and a partner scope.
"""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import func
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models.partner import Partner
from app.models.types import StrEnum


class Role(enum.Enum):
    """What a user may do; a user may hold several roles."""

    ADMIN = "admin"
    BACKOFFICE = "backoffice"
    BACKOFFICE_LEAD = "backoffice_lead"
    SALES_MANAGER = "sales_manager"
    FINANCE = "finance"
    AUDITOR = "auditor"
    PARTNER = "partner"


class User(UserMixin, db.Model):
    """A person who signs in to Mandato."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    auth_provider: Mapped[str] = mapped_column(String(40), default="local")
    external_subject: Mapped[str | None] = mapped_column(String(255))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    partner: Mapped[Partner | None] = relationship()
    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[Role]:
        """Return the roles this user holds."""
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        """Return True when the user holds any of ``roles``."""
        return not self.roles.isdisjoint(roles)

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.active

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password``."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Return True when ``password`` matches the stored hash."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserRole(db.Model):
    """One role held by one user."""

    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    role: Mapped[Role] = mapped_column(StrEnum(Role), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")
