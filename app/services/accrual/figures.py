"""Figures of the accrued-commissions panel, read from the balances for a scope of partners (None: everyone)."""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AccrualPeriod
from app.models import AccruedBalance
from app.models import Partner

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class AccrualPanel:
    """What the panel shows: the period's totals, per component, per partner, and month by month."""

    period: date | None
    updated_at: datetime | None = None
    total: Decimal = ZERO
    held: Decimal = ZERO
    components: list[tuple[str, str, Decimal]] = field(default_factory=list)
    partners: list[tuple[Partner, Decimal]] = field(default_factory=list)
    months: list[tuple[date, Decimal]] = field(default_factory=list)


def _scoped(query, scope: set[int] | None):
    return query if scope is None else query.where(AccruedBalance.partner_id.in_(scope))


def latest_period(session: Session) -> AccrualPeriod | None:
    """Return the most recent month kept for accruals."""
    return session.scalar(select(AccrualPeriod).order_by(AccrualPeriod.month.desc()).limit(1))


def panel(session: Session, scope: set[int] | None, top: int = 10) -> AccrualPanel:
    """Return the figures of the latest accrual period for the partners in ``scope``."""
    current = latest_period(session)
    if current is None:
        return AccrualPanel(period=None)
    month = current.month
    in_period = AccruedBalance.period == month
    components = [
        (plan, component, amount or ZERO)
        for plan, component, amount in session.execute(_scoped(
            select(AccruedBalance.plan_code, AccruedBalance.component_id, func.sum(AccruedBalance.amount))
            .where(in_period).group_by(AccruedBalance.plan_code, AccruedBalance.component_id)
            .order_by(AccruedBalance.plan_code, AccruedBalance.component_id), scope))
    ]
    held = session.scalar(_scoped(select(func.sum(AccruedBalance.held)).where(in_period), scope)) or ZERO
    earned = func.sum(AccruedBalance.amount)
    partners = list(session.execute(_scoped(
        select(Partner, earned).join(Partner, Partner.id == AccruedBalance.partner_id).where(in_period)
        .group_by(Partner.id).order_by(earned.desc(), Partner.name).limit(top), scope)).tuples())
    months = list(session.execute(_scoped(
        select(AccruedBalance.period, func.sum(AccruedBalance.amount))
        .where(AccruedBalance.period >= date(month.year, 1, 1), AccruedBalance.period <= month)
        .group_by(AccruedBalance.period).order_by(AccruedBalance.period), scope)).tuples())
    return AccrualPanel(period=month, updated_at=current.updated_at, total=sum((c[2] for c in components), ZERO),
                        held=held, components=components, partners=partners, months=months)


def chart(figures: AccrualPanel) -> dict:
    """Return the month-by-month series of the panel's chart (amounts as exact text)."""
    return {"labels": [month.strftime("%m/%Y") for month, _ in figures.months],
            "values": [str(amount) for _, amount in figures.months]}
