"""Customers, supply contracts and billing lines: the source records commissions are computed from.

Contracts and billing lines are versioned (see ``app.models.versioned``): a corrected row is a new version.
"""

import enum
from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean
from sqlalchemy import CheckConstraint
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.partner import Partner
from app.models.types import Money
from app.models.types import StrEnum
from app.models.types import Volume
from app.models.versioned import Versioned


class Segment(enum.Enum):
    RESIDENTIAL = "residential"
    BUSINESS = "business"


class ContractStatus(enum.Enum):
    """The lifecycle of a supply contract, in order."""

    SIGNED = "signed"
    VALIDATED = "validated"
    SWITCHING = "switching"
    ACTIVE = "active"
    TERMINATED = "terminated"
    CANCELLED = "cancelled"


class Customer(db.Model):
    """The end customer of a supply contract."""

    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    fiscal_code: Mapped[str | None] = mapped_column(String(16))
    segment: Mapped[Segment] = mapped_column(StrEnum(Segment))
    territory: Mapped[str] = mapped_column(String(40))
    city: Mapped[str | None] = mapped_column(String(100))


class Contract(Versioned, db.Model):
    """One version of a supply contract sold by a partner."""

    __tablename__ = "contract"
    __table_args__ = (
        UniqueConstraint("external_id", "version", name="uq_contract_external_id_version"),
        CheckConstraint("activated_on IS NULL OR activated_on >= signed_on", name="activation_after_signature"),
        Index("ix_contract_partner_current", "partner_id", "is_current"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    product_code: Mapped[str] = mapped_column(ForeignKey("product.code"))
    offer_code: Mapped[str] = mapped_column(ForeignKey("offer.code"))
    options: Mapped[str] = mapped_column(String(200), default="")
    supply_point: Mapped[str | None] = mapped_column(String(20), index=True)
    status: Mapped[ContractStatus] = mapped_column(StrEnum(ContractStatus), index=True)
    status_reason: Mapped[str | None] = mapped_column(String(120))
    signed_on: Mapped[date] = mapped_column(Date)
    activated_on: Mapped[date | None] = mapped_column(Date, index=True)
    terminated_on: Mapped[date | None] = mapped_column(Date)
    yearly_volume: Mapped[Decimal | None] = mapped_column(Volume)

    customer: Mapped[Customer] = relationship()
    partner: Mapped[Partner] = relationship()


class BillingLine(Versioned, db.Model):
    """One version of a bill line of a contract for a billing period (a month)."""

    __tablename__ = "billing_line"
    __table_args__ = (
        UniqueConstraint("external_id", "version", name="uq_billing_line_external_id_version"),
        CheckConstraint("period_end >= period_start", name="period_in_order"),
        Index("ix_billing_line_period_current", "period_start", "is_current"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_external_id: Mapped[str] = mapped_column(String(64), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    volume: Mapped[Decimal] = mapped_column(Volume)
    amount_billed: Mapped[Decimal] = mapped_column(Money)
    fixed_fee_billed: Mapped[Decimal] = mapped_column(Money)
    paid: Mapped[bool] = mapped_column(Boolean, default=False)
    paid_on: Mapped[date | None] = mapped_column(Date)
