"""Invoice batches, pro-forma invoices with gapless numbering per year, and the accounting export.

Finance approves a period's batch (never the user who validated the calculation); approval locks the period.
Issuing takes numbers from ``invoice_sequence`` under a row lock, so numbers stay unique and gapless also when
several workers issue at once.
"""

import enum
from datetime import date
from datetime import datetime
from decimal import Decimal

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
from sqlalchemy.orm import deferred
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.partner import Partner
from app.models.run import CommissionPeriod
from app.models.statement import Statement
from app.models.types import Money
from app.models.types import StrEnum


class BatchStatus(enum.Enum):
    DRAFT = "draft"
    APPROVED = "approved"
    REJECTED = "rejected"
    ISSUED = "issued"
    EXPORTED = "exported"


class InvoiceBatch(db.Model):
    """The pro-forma invoices of one period, approved (or rejected) by finance as a whole."""

    __tablename__ = "invoice_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("commission_period.id"), index=True)
    status: Mapped[BatchStatus] = mapped_column(StrEnum(BatchStatus), default=BatchStatus.DRAFT)
    built_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    invoice_count: Mapped[int] = mapped_column(Integer, default=0)
    taxable: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    vat: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    withholding: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    enasarco_agent: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    net_payable: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    export_file: Mapped[bytes | None] = mapped_column(LargeBinary)
    export_sha256: Mapped[str | None] = mapped_column(String(64))
    exported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    period: Mapped[CommissionPeriod] = relationship()
    invoices: Mapped[list["Invoice"]] = relationship(back_populates="batch", order_by="Invoice.id")


class Invoice(db.Model):
    """A pro-forma invoice for one partner's statement; its number is sequential per year without gaps."""

    __tablename__ = "invoice"
    __table_args__ = (UniqueConstraint("year", "number", name="uq_invoice_year_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("invoice_batch.id"), index=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id"), unique=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    year: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[int | None] = mapped_column(Integer)
    document_date: Mapped[date | None] = mapped_column(Date)
    issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    taxable: Mapped[Decimal] = mapped_column(Money)
    vat: Mapped[Decimal] = mapped_column(Money)
    withholding: Mapped[Decimal] = mapped_column(Money)
    enasarco_agent: Mapped[Decimal] = mapped_column(Money)
    stamp_duty: Mapped[Decimal] = mapped_column(Money)
    document_total: Mapped[Decimal] = mapped_column(Money)
    net_payable: Mapped[Decimal] = mapped_column(Money)
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))  # read only where the file is served
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    email_error: Mapped[str | None] = mapped_column(Text)  # why the last e-mail of the PDF failed

    batch: Mapped[InvoiceBatch] = relationship(back_populates="invoices")
    statement: Mapped[Statement] = relationship()
    partner: Mapped[Partner] = relationship()

    @property
    def number_text(self) -> str | None:
        return f"{self.year}/{self.number:06d}" if self.number is not None else None


class InvoiceSequence(db.Model):
    """The last invoice number used in a year; locked while numbers are taken."""

    __tablename__ = "invoice_sequence"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
