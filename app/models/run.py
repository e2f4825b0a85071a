"""Calculation runs and their commission lines with full lineage.

A run computes one period. Recomputing a period creates a new run (a new version); lines are never updated.
A locked period (finance-approved) is never recomputed in place: a later run books the difference as delta
lines in the period being run.
"""

import enum
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
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import func
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.types import Money
from app.models.types import StrEnum


class PeriodStatus(enum.Enum):
    OPEN = "open"
    VALIDATED = "validated"
    APPROVED = "approved"


class RunStatus(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SUPERSEDED = "superseded"


class CommissionPeriod(db.Model):
    """A calendar month of the commissioning cycle; approval locks it."""

    __tablename__ = "commission_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date, unique=True)
    status: Mapped[PeriodStatus] = mapped_column(StrEnum(PeriodStatus), default=PeriodStatus.OPEN)
    current_run_id: Mapped[int | None] = mapped_column(ForeignKey("calculation_run.id", use_alter=True))
    validated_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    validated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def label(self) -> str:
        return self.month.strftime("%Y-%m")

    @property
    def locked(self) -> bool:
        return self.status == PeriodStatus.APPROVED


class CalculationRun(db.Model):
    """One computation of a period: its inputs' fingerprint, progress, outcome and totals."""

    __tablename__ = "calculation_run"
    __table_args__ = (UniqueConstraint("period_id", "version", name="uq_calculation_run_period_id_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("commission_period.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[RunStatus] = mapped_column(StrEnum(RunStatus), default=RunStatus.QUEUED)
    inputs_sha256: Mapped[str | None] = mapped_column(String(64))
    progress: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(String(300))
    error: Mapped[str | None] = mapped_column(Text)
    started_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    transactions: Mapped[int] = mapped_column(BigInteger, default=0)
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[Decimal | None] = mapped_column(Money)

    period: Mapped[CommissionPeriod] = relationship(foreign_keys=[period_id])


class RunComponentTotal(db.Model):
    """A run's lines summed per plan component, stored when the run is written (a run's lines never change), so
    the period page does not scan a million lines for them."""

    __tablename__ = "run_component_total"
    __table_args__ = (UniqueConstraint("run_id", "plan_code", "plan_version", "component_id", "component_kind",
                                       name="uq_run_component_total"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("calculation_run.id"))
    plan_code: Mapped[str] = mapped_column(String(60))
    plan_version: Mapped[int] = mapped_column(Integer)
    component_id: Mapped[str] = mapped_column(String(60))
    component_kind: Mapped[str] = mapped_column(String(30))
    lines: Mapped[int] = mapped_column(Integer)
    total: Mapped[Decimal] = mapped_column(Money)
    held: Mapped[Decimal] = mapped_column(Money)


class LineageColumns:
    """The columns that explain a result line: key, plan version and component, basis, rate, source, amount.

    Shared by commission lines (a run's results) and accrual lines (the open period's provisional results), so
    both explain an amount the same way.
    """

    line_key: Mapped[str] = mapped_column(String(300))
    plan_code: Mapped[str] = mapped_column(String(60))
    plan_version: Mapped[int] = mapped_column(Integer)
    component_id: Mapped[str] = mapped_column(String(60))
    component_kind: Mapped[str] = mapped_column(String(30))
    line_kind: Mapped[str] = mapped_column(String(30))
    event_date: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(20))
    basis: Mapped[str | None] = mapped_column(String(60))
    basis_value: Mapped[str | None] = mapped_column(String(60))
    rate: Mapped[str | None] = mapped_column(String(60))
    tier: Mapped[int | None] = mapped_column(Integer)
    formula: Mapped[str | None] = mapped_column(Text)
    inputs: Mapped[str | None] = mapped_column(Text)
    source_kind: Mapped[str] = mapped_column(String(30))
    source_ref: Mapped[str] = mapped_column(String(120))
    source_id: Mapped[int | None] = mapped_column(BigInteger)
    source_ids: Mapped[str | None] = mapped_column(Text)
    contract_ref: Mapped[str | None] = mapped_column(String(64))
    contract_id: Mapped[int | None] = mapped_column(BigInteger)
    original_line_key: Mapped[str | None] = mapped_column(String(300))
    hold_until: Mapped[str | None] = mapped_column(String(40))
    label: Mapped[str | None] = mapped_column(String(200))


class CommissionLine(LineageColumns, db.Model):
    """One result line with everything needed to explain it: source, plan version, component, basis, rate.

    A run writes up to millions of lines in one COPY. Lines are written only by the run service, from inputs it
    has just read, so the table carries no foreign keys: per-row FK triggers cost about 1 s per 100,000 lines
    on PostgreSQL, more than the whole computation. One index serves every read (a run's lines by partner).
    """

    __tablename__ = "commission_line"
    __table_args__ = (Index("ix_commission_line_run_partner", "run_id", "partner_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    run_id: Mapped[int] = mapped_column(Integer)
    partner_id: Mapped[int] = mapped_column(Integer)
    period: Mapped[date] = mapped_column(Date)

    run: Mapped[CalculationRun] = relationship(primaryjoin="CommissionLine.run_id == CalculationRun.id",
                                               foreign_keys=[run_id])
