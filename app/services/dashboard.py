"""Figures for the dashboards, each computed for a scope of partners (None means the whole network)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEntry
from app.models import BillingLine
from app.models import Contract
from app.models import ContractStatus
from app.models import Partner
from app.models import User
from calc.inputs import months_before


@dataclass(frozen=True)
class MonthFigure:
    month: date
    value: Decimal | int


def _scoped(query, column, scope: set[int] | None):
    return query if scope is None else query.where(column.in_(scope))


def partner_counts(session: Session, scope: set[int] | None) -> dict[str, int]:
    """Return the number of partners by kind."""
    query = _scoped(select(Partner.kind, func.count()).group_by(Partner.kind), Partner.id, scope)
    return {kind.value: count for kind, count in session.execute(query)}


def contract_counts(session: Session, scope: set[int] | None) -> dict[str, int]:
    """Return the number of current contracts by status, in lifecycle order."""
    query = select(Contract.status, func.count()).where(Contract.is_current).group_by(Contract.status)
    counts = {status.value: n for status, n in session.execute(_scoped(query, Contract.partner_id, scope))}
    return {status.value: counts.get(status.value, 0) for status in ContractStatus}


def activations_by_month(session: Session, scope: set[int] | None, today: date, months: int = 12) -> list[MonthFigure]:
    """Return activations per month over the last ``months`` months, oldest first."""
    first = months_before(today, months - 1)
    query = select(Contract.activated_on).where(Contract.is_current, Contract.activated_on >= first)
    per_month: dict[date, int] = {}
    for (activated_on,) in session.execute(_scoped(query, Contract.partner_id, scope)):
        key = activated_on.replace(day=1)
        per_month[key] = per_month.get(key, 0) + 1
    return [MonthFigure(months_before(today, k), per_month.get(months_before(today, k), 0)) for k in range(months - 1, -1, -1)]


def billed_by_month(session: Session, today: date, months: int = 6) -> list[MonthFigure]:
    """Return the amount billed per month over the last ``months`` months, oldest first."""
    first = months_before(today, months - 1)
    rows = session.execute(
        select(BillingLine.period_start, func.sum(BillingLine.amount_billed))
        .where(BillingLine.is_current, BillingLine.period_start >= first)
        .group_by(BillingLine.period_start)
    )
    totals = {start.replace(day=1): Decimal(total or 0) for start, total in rows}
    return [MonthFigure(months_before(today, k), totals.get(months_before(today, k), Decimal("0.00")))
            for k in range(months - 1, -1, -1)]


def top_sellers(session: Session, scope: set[int] | None, since: date, limit: int = 10) -> list[tuple[Partner, int]]:
    """Return the partners with most activations since ``since``."""
    query = (
        select(Partner, func.count(Contract.id).label("n"))
        .join(Contract, Contract.partner_id == Partner.id)
        .where(Contract.is_current, Contract.activated_on >= since)
        .group_by(Partner.id)
        .order_by(func.count(Contract.id).desc(), Partner.name)
        .limit(limit)
    )
    return [(partner, n) for partner, n in session.execute(_scoped(query, Partner.id, scope))]


def recent_audit(session: Session, limit: int = 10) -> list[AuditEntry]:
    """Return the latest audit entries."""
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))


def user_count(session: Session) -> int:
    """Return the number of active users."""
    return session.scalar(select(func.count()).select_from(User).where(User.active)) or 0
