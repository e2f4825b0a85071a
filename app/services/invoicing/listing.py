"""Reading invoices for the pages: the list filtered by period, batch and the reader's partner scope."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import joinedload

from app.models import CommissionPeriod
from app.models import Invoice
from app.models import InvoiceBatch
from app.models.types import Money


@dataclass(frozen=True)
class Totals:
    """Count and sums of the invoices a list shows."""

    count: int
    document_total: Decimal
    net_payable: Decimal


def periods_with_invoices(session: Session) -> list[str]:
    """Return the labels (YYYY-MM) of the periods that have an invoice batch, newest first."""
    months = session.scalars(select(CommissionPeriod.month).join(InvoiceBatch, InvoiceBatch.period_id ==
                                                                 CommissionPeriod.id)
                             .distinct().order_by(CommissionPeriod.month.desc()))
    return [f"{month:%Y-%m}" for month in months]


def _filtered(query: Select, month=None, batch_id: int | None = None, scope: set[int] | None = None,
              issued_only: bool = False) -> Select:
    query = query.join(InvoiceBatch, Invoice.batch_id == InvoiceBatch.id).join(
        CommissionPeriod, InvoiceBatch.period_id == CommissionPeriod.id)
    if month is not None:
        query = query.where(CommissionPeriod.month == month)
    if batch_id is not None:
        query = query.where(Invoice.batch_id == batch_id)
    if scope is not None:
        query = query.where(Invoice.partner_id.in_(scope))
    if issued_only:
        query = query.where(Invoice.number.is_not(None))
    return query


def invoices(month=None, batch_id: int | None = None, scope: set[int] | None = None,
             issued_only: bool = False) -> Select:
    """Return a query of invoices (newest period first, then by number), with partner and period loaded."""
    query = select(Invoice).options(joinedload(Invoice.partner), joinedload(Invoice.batch)
                                    .joinedload(InvoiceBatch.period))
    return _filtered(query, month, batch_id, scope, issued_only).order_by(
        CommissionPeriod.month.desc(), Invoice.year, Invoice.number, Invoice.id)


def totals(session: Session, month=None, batch_id: int | None = None, scope: set[int] | None = None,
           issued_only: bool = False) -> Totals:
    """Return the count and sums of the invoices ``invoices`` would list."""
    query = select(func.count(Invoice.id), func.coalesce(func.sum(Invoice.document_total, type_=Money), 0),
                   func.coalesce(func.sum(Invoice.net_payable, type_=Money), 0))
    count, document_total, net_payable = session.execute(
        _filtered(query, month, batch_id, scope, issued_only)).one()
    cent = Decimal("0.01")
    return Totals(count, Decimal(str(document_total)).quantize(cent), Decimal(str(net_payable)).quantize(cent))
