"""Statements (estratti conto) and disputes.

A statement is what one partner is owed for one period: the lines of the period's current run for that partner,
plus adjustments from resolved disputes, with the tax and social-security items computed when it is published.
A partner reviews it (accept or dispute lines) within the dispute window; the back-office resolves each disputed
line (accept with an adjustment, or reject with a reason).
"""

import enum
from datetime import date
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON
from sqlalchemy import BigInteger
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import func
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.partner import Partner
from app.models.run import CommissionPeriod
from app.models.types import Money
from app.models.types import StrEnum


class StatementStatus(enum.Enum):
    PUBLISHED = "published"
    ACCEPTED = "accepted"
    DISPUTED = "disputed"
    CLOSED = "closed"


class DisputeStatus(enum.Enum):
    OPEN = "open"
    RESOLVED = "resolved"
    CARRIED = "carried"


class LineOutcome(enum.Enum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Statement(db.Model):
    """One partner's statement for one period, with its tax items as computed at publication."""

    __tablename__ = "statement"
    __table_args__ = (UniqueConstraint("period_id", "partner_id", name="uq_statement_period_id_partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("commission_period.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("calculation_run.id"))
    status: Mapped[StatementStatus] = mapped_column(StrEnum(StatementStatus), default=StatementStatus.PUBLISHED)
    review_deadline: Mapped[date] = mapped_column(Date)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    gross: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    held: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    payable: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    adjustments: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    withheld_for_disputes: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    taxable: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    vat: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    withholding: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    enasarco_agent: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    enasarco_principal: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    enasarco_base: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    stamp_duty: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    document_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    net_payable: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    tax_detail: Mapped[dict | None] = mapped_column(JSON)
    has_advance: Mapped[bool] = mapped_column(default=False)

    period: Mapped[CommissionPeriod] = relationship()
    partner: Mapped[Partner] = relationship()
    disputes: Mapped[list["Dispute"]] = relationship(back_populates="statement", order_by="Dispute.id")


class Dispute(db.Model):
    """A partner's contestation of one or more lines of a statement."""

    __tablename__ = "dispute"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id"), index=True)
    status: Mapped[DisputeStatus] = mapped_column(StrEnum(DisputeStatus), default=DisputeStatus.OPEN)
    reason: Mapped[str] = mapped_column(Text)
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    raised_by: Mapped[int] = mapped_column(ForeignKey("user.id"))
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    carried_to_period_id: Mapped[int | None] = mapped_column(ForeignKey("commission_period.id"))

    statement: Mapped[Statement] = relationship(back_populates="disputes")
    lines: Mapped[list["DisputedLine"]] = relationship(back_populates="dispute", order_by="DisputedLine.id")


class DisputedLine(db.Model):
    """One statement line under dispute and its outcome."""

    __tablename__ = "disputed_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("dispute.id"), index=True)
    commission_line_id: Mapped[int] = mapped_column(BigInteger)
    line_key: Mapped[str] = mapped_column(String(300))
    amount: Mapped[Decimal] = mapped_column(Money)
    claimed_amount: Mapped[Decimal | None] = mapped_column(Money)
    outcome: Mapped[LineOutcome] = mapped_column(StrEnum(LineOutcome), default=LineOutcome.PENDING)
    adjustment: Mapped[Decimal | None] = mapped_column(Money)
    resolution_note: Mapped[str | None] = mapped_column(Text)

    dispute: Mapped[Dispute] = relationship(back_populates="lines")


class Adjustment(db.Model):
    """A correction booked into a statement, with its own lineage: the dispute and line it resolves."""

    __tablename__ = "adjustment"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id"), index=True)
    disputed_line_id: Mapped[int | None] = mapped_column(ForeignKey("disputed_line.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    original_line_key: Mapped[str | None] = mapped_column(String(300))
    component_id: Mapped[str | None] = mapped_column(String(60))
    amount: Mapped[Decimal] = mapped_column(Money)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    kind: Mapped[str] = mapped_column(String(30), default="dispute")
    sequence: Mapped[int] = mapped_column(Integer, default=0)
