"""Company settings that change over time (split payment, stamp re-billing, dispute window …) and the
accounting mappings the SAP export needs (vendor per partner, GL account per component kind, cost centre per
territory, tax codes per VAT and withholding case)."""

from datetime import date
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy import func
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.extensions import db
from app.models.types import Money


class CompanySetting(db.Model):
    """One dated value of a company setting: in force from ``valid_from`` until the next value of the same key."""

    __tablename__ = "company_setting"
    __table_args__ = (UniqueConstraint("key", "valid_from", name="uq_company_setting_key_valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60))
    valid_from: Mapped[date] = mapped_column(Date)
    value: Mapped[object] = mapped_column(JSON)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AccountingMapping(db.Model):
    """A value the accounting export looks up: (kind, key) -> value, e.g. ("gl_account", "one_off") -> "6120100"."""

    __tablename__ = "accounting_mapping"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_accounting_mapping_kind_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    key: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(String(60))
    description: Mapped[str | None] = mapped_column(String(200))


class EnasarcoLedgerEntry(db.Model):
    """ENASARCO base used by one statement, per partner (agency relationship) and accrual year.

    The running base per partner and year is the sum of its entries, so each statement uses the remaining
    ceiling, also after a retro recalculation or a credit (negative entries give base back).
    """

    __tablename__ = "enasarco_ledger_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    year: Mapped[int]
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("statement.id"), index=True)
    note: Mapped[str | None] = mapped_column(String(200))  # e.g. an opening balance carried from before Mandato
    commissions: Mapped[Decimal] = mapped_column(Money)
    base: Mapped[Decimal] = mapped_column(Money)
    agent_share: Mapped[Decimal] = mapped_column(Money)
    principal_share: Mapped[Decimal] = mapped_column(Money)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
