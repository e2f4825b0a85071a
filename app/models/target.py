"""Per-partner targets for a year or a month, on a named KPI."""

from decimal import Decimal

from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import Numeric
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.extensions import db


class Target(db.Model):
    """A partner's target on a KPI (activations, kWh billed ...) for a year, or a month of it."""

    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("partner_id", "year", "month", "kpi", name="uq_target_partner_period_kpi"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int | None] = mapped_column(Integer)
    kpi: Mapped[str] = mapped_column(String(40))
    value: Mapped[Decimal] = mapped_column(Numeric(16, 3))
