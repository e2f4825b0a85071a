"""Accruals (maturato): the provisional commission lines of the periods still open and their balances.

Between two calculation runs the accrued amounts are kept up to date event by event. ``AccrualLine`` holds the
lines a full run of the period would produce, with the columns of ``CommissionLine``; each line belongs to the
unit that wrote it: the ``sale`` unit of a seller (its own lines, and the override lines its sales give its
upline) or the ``settle`` unit of a partner (limits and pay lines, computed on everything it earns).
``AccruedBalance`` is the sum of a partner's lines per plan and component, what the dashboards read.
"""

from datetime import date
from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy import func
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.extensions import db
from app.models.run import LineageColumns
from app.models.types import Money

SALE = "sale"
SETTLE = "settle"


class AccrualPeriod(db.Model):
    """A month whose accruals are kept up to date: opened by a full rebuild, then updated event by event."""

    __tablename__ = "accrual_period"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    rebuilt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    events: Mapped[int] = mapped_column(Integer, default=0)


class AccrualLine(LineageColumns, db.Model):
    """One provisional line of an open period, with the lineage of a commission line."""

    __tablename__ = "accrual_line"
    __table_args__ = (
        Index("ix_accrual_line_unit", "period", "unit_stage", "unit_partner_id"),
        Index("ix_accrual_line_partner", "period", "partner_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    period: Mapped[date] = mapped_column(ForeignKey("accrual_period.month"))
    unit_stage: Mapped[str] = mapped_column(String(10))
    unit_partner_id: Mapped[int] = mapped_column(BigInteger)
    # A digest of the line's columns: an update compares it, not the columns, to find the lines that changed.
    content_hash: Mapped[str | None] = mapped_column(String(32))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))


class AccruedBalance(db.Model):
    """What a partner has accrued in an open period under one plan component: the sum of its lines."""

    __tablename__ = "accrued_balance"
    __table_args__ = (
        UniqueConstraint("period", "partner_id", "plan_code", "component_id",
                         name="uq_accrued_balance_period_partner_component"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    period: Mapped[date] = mapped_column(ForeignKey("accrual_period.month"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    plan_code: Mapped[str] = mapped_column(String(60))
    component_id: Mapped[str] = mapped_column(String(60))
    amount: Mapped[Decimal] = mapped_column(Money)
    held: Mapped[Decimal] = mapped_column(Money)
    lines: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
