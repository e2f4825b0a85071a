"""Contract queries: search, a contract's versions and its billing lines."""

from sqlalchemy import Select
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import joinedload

from app.models import BillingLine
from app.models import Contract
from app.models import ContractStatus
from app.models import Customer


def search(scope: set[int] | None, q: str | None = None, status: str | None = None,
           partner_id: int | None = None) -> Select:
    """Return a query for current contracts by supply point, external id or customer name."""
    query = select(Contract).join(Customer).where(Contract.is_current).options(
        joinedload(Contract.customer), joinedload(Contract.partner)
    )
    if scope is not None:
        query = query.where(Contract.partner_id.in_(scope))
    if partner_id is not None:
        query = query.where(Contract.partner_id == partner_id)
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(or_(Contract.supply_point.ilike(pattern), Contract.external_id.ilike(pattern),
                                Customer.name.ilike(pattern)))
    if status:
        query = query.where(Contract.status == ContractStatus(status))
    return query.order_by(Contract.signed_on.desc(), Contract.id.desc())


def versions(session: Session, external_id: str) -> list[Contract]:
    """Return every version of a contract, newest first."""
    return list(session.scalars(
        select(Contract).where(Contract.external_id == external_id).order_by(Contract.version.desc())
    ))


def billing_lines(external_id: str) -> Select:
    """Return a query for the current billing lines of a contract, newest period first."""
    return (select(BillingLine)
            .where(BillingLine.contract_external_id == external_id, BillingLine.is_current)
            .order_by(BillingLine.period_start.desc()))
