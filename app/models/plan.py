"""Commission plans as stored data: a plan, its effective-dated versions (the document itself), and who they
apply to. The document is the YAML-compatible dict that ``calc.plan`` reads; the database keeps every version."""

import enum
from datetime import date
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import CheckConstraint
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import func
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.types import StrEnum


class PlanStatus(enum.Enum):
    """A draft can still change; a published version is used by runs and never edited again."""

    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class Plan(db.Model):
    """A commission or incentive plan, identified by a short code."""

    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    versions: Mapped[list["PlanVersion"]] = relationship(back_populates="plan", order_by="PlanVersion.version")


class PlanVersion(db.Model):
    """One version of a plan's document, effective from ``valid_from`` (inclusive) to ``valid_to`` (exclusive)."""

    __tablename__ = "plan_version"
    __table_args__ = (
        UniqueConstraint("plan_id", "version", name="uq_plan_version_plan_id_version"),
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[PlanStatus] = mapped_column(StrEnum(PlanStatus), default=PlanStatus.DRAFT)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    document: Mapped[dict] = mapped_column(JSON)
    source_yaml: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    published_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    plan: Mapped[Plan] = relationship(back_populates="versions")


class PlanAssignment(db.Model):
    """A plan applies to one partner, or to a partner group, over a date range."""

    __tablename__ = "plan_assignment"
    __table_args__ = (
        CheckConstraint("(partner_id IS NULL) <> (partner_group IS NULL)", name="partner_or_group"),
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="dates_in_order"),
        Index("ix_plan_assignment_plan", "plan_id", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"), index=True)
    partner_group: Mapped[str | None] = mapped_column(String(60))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    plan: Mapped[Plan] = relationship()


class PartnerGroupMember(db.Model):
    """Membership of a partner in a named group that plans can be assigned to (besides its kind)."""

    __tablename__ = "partner_group_member"

    partner_group: Mapped[str] = mapped_column(String(60), primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), primary_key=True)
