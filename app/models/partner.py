"""Partners of the sales and service network, their effective-dated hierarchy and dated fiscal profiles."""

import enum
from datetime import date
from datetime import datetime

from sqlalchemy import Boolean
from sqlalchemy import CheckConstraint
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import func
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.types import Rate
from app.models.types import StrEnum


class PartnerKind(enum.Enum):
    """The role of a partner in the network (not its fiscal category)."""

    AGENCY = "agency"
    AGENT = "agent"
    SUB_AGENT = "sub_agent"
    CALL_CENTRE = "call_centre"
    INSTALLER = "installer"
    TECHNICIAN = "technician"


class FiscalCategory(enum.Enum):
    """The fiscal category the tax rules key on (``partner_kind`` of the tax API)."""

    AGENT = "agent"
    FINDER = "finder"
    CALL_CENTRE = "call_centre"
    INSTALLER = "installer"
    PROFESSIONAL = "professional"


class LegalForm(enum.Enum):
    INDIVIDUAL = "individual"
    PARTNERSHIP = "partnership"
    COMPANY = "company"


class VatRegime(enum.Enum):
    ORDINARY = "ordinary"
    FLAT_RATE = "flat_rate"


class EnasarcoMandate(enum.Enum):
    NONE = "none"
    MONO_FIRM = "mono_firm"
    MULTI_FIRM = "multi_firm"


class Partner(db.Model):
    """An agency, agent, sub-agent, call centre, installer or technician paid by the principal."""

    __tablename__ = "partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[PartnerKind] = mapped_column(StrEnum(PartnerKind), index=True)
    territory: Mapped[str] = mapped_column(String(40), index=True)
    vat_number: Mapped[str | None] = mapped_column(String(16))
    fiscal_code: Mapped[str | None] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    province: Mapped[str | None] = mapped_column(String(2))
    postcode: Mapped[str | None] = mapped_column(String(5))
    iban: Mapped[str | None] = mapped_column(String(34))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    active_from: Mapped[date] = mapped_column(Date)
    active_to: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    fiscal_profiles: Mapped[list["FiscalProfile"]] = relationship(
        back_populates="partner", order_by="FiscalProfile.valid_from"
    )

    def __repr__(self) -> str:
        return f"<Partner {self.code} {self.name!r}>"


class PartnerLink(db.Model):
    """The parent of a partner over a date range: ``valid_from`` inclusive, ``valid_to`` exclusive (open if null)."""

    __tablename__ = "partner_link"
    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="dates_in_order"),
        CheckConstraint("parent_id <> partner_id", name="not_own_parent"),
        Index("ix_partner_link_partner_dates", "partner_id", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    parent_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    partner: Mapped[Partner] = relationship(foreign_keys=[partner_id])
    parent: Mapped[Partner] = relationship(foreign_keys=[parent_id])


class FiscalProfile(db.Model):
    """The tax facts of a partner from a date: a change mid-year applies from its date only."""

    __tablename__ = "fiscal_profile"
    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="dates_in_order"),
        Index("ix_fiscal_profile_partner_dates", "partner_id", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    fiscal_category: Mapped[FiscalCategory] = mapped_column(StrEnum(FiscalCategory))
    legal_form: Mapped[LegalForm] = mapped_column(StrEnum(LegalForm))
    vat_regime: Mapped[VatRegime] = mapped_column(StrEnum(VatRegime))
    enasarco: Mapped[EnasarcoMandate] = mapped_column(StrEnum(EnasarcoMandate))
    reduced_withholding_base: Mapped[bool] = mapped_column(Boolean, default=False)
    enasarco_rate_override: Mapped[object | None] = mapped_column(Rate, nullable=True)

    partner: Mapped[Partner] = relationship(back_populates="fiscal_profiles")
