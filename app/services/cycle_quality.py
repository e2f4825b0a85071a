"""The data-quality check of a period's source data, before its calculation runs.

Every check is one set-based query over the current versions of the source rows; a check gives ``(ref,
message)`` rows of one kind and severity. A blocking issue stops the cycle at the "fix data" task; a warning is
shown but lets the calculation run. Each check replaces the period's stored issues (``data_issue``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from datetime import timedelta

from sqlalchemy import String
from sqlalchemy import and_
from sqlalchemy import cast
from sqlalchemy import delete
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import BillingLine
from app.models import Contract
from app.models import DataIssue
from app.models import FiscalProfile
from app.models import Offer
from app.models import Partner
from app.models import Product
from calc.inputs import next_month
from workflows import clock

BLOCKING = "blocking"
WARNING = "warning"
MAX_PER_CHECK = 500


@dataclass(frozen=True)
class Check:
    """One kind of issue: its severity and the query that finds it (columns ``ref``, ``message``)."""

    kind: str
    severity: str
    query: Callable[[date], object]


def _bills_of(month: date):
    return and_(BillingLine.is_current, BillingLine.period_start >= month,
                BillingLine.period_start < next_month(month))


def _unknown_seller(month: date):
    return (select(Contract.external_id, literal("partner ") + cast(Contract.partner_id, String))
            .outerjoin(Partner, Partner.id == Contract.partner_id)
            .where(Contract.is_current, Partner.id.is_(None)))


def _unknown_product(month: date):
    return (select(Contract.external_id, literal("product ") + Contract.product_code)
            .outerjoin(Product, Product.code == Contract.product_code)
            .where(Contract.is_current, Product.id.is_(None)))


def _unknown_offer(month: date):
    return (select(Contract.external_id, literal("offer ") + Contract.offer_code)
            .outerjoin(Offer, Offer.code == Contract.offer_code)
            .where(Contract.is_current, Offer.id.is_(None)))


def _offer_not_valid(month: date):
    return (select(Contract.external_id, literal("offer ") + Contract.offer_code)
            .join(Offer, Offer.code == Contract.offer_code)
            .where(Contract.is_current, or_(Offer.valid_from > Contract.signed_on,
                                            and_(Offer.valid_to.is_not(None), Offer.valid_to <= Contract.signed_on))))


def _activated_before_signed(month: date):
    return (select(Contract.external_id, literal("activated before signature"))
            .where(Contract.is_current, Contract.activated_on < Contract.signed_on))


def _bill_without_contract(month: date):
    current = exists().where(Contract.is_current, Contract.external_id == BillingLine.contract_external_id)
    return (select(BillingLine.external_id, literal("contract ") + BillingLine.contract_external_id)
            .where(_bills_of(month), ~current))


def _duplicates(model):
    def query(month: date):
        return (select(model.external_id, literal("current versions: ") + cast(func.count(), String))
                .where(model.is_current).group_by(model.external_id).having(func.count() > 1))
    return query


def _no_fiscal_profile(month: date):
    on = next_month(month) - timedelta(days=1)
    billed = exists().where(_bills_of(month), BillingLine.contract_external_id == Contract.external_id)
    activated = and_(Contract.activated_on >= month, Contract.activated_on < next_month(month))
    sellers = select(Contract.partner_id).where(Contract.is_current, or_(billed, activated)).distinct()
    profile = exists().where(FiscalProfile.partner_id == Partner.id, FiscalProfile.valid_from <= on,
                             or_(FiscalProfile.valid_to.is_(None), FiscalProfile.valid_to > on))
    return select(Partner.code, literal("no fiscal profile on ") + literal(on.isoformat())).where(
        Partner.id.in_(sellers), ~profile)


CHECKS = (
    Check("unknown_seller", BLOCKING, _unknown_seller),
    Check("unknown_product", BLOCKING, _unknown_product),
    Check("unknown_offer", BLOCKING, _unknown_offer),
    Check("activation_before_signature", BLOCKING, _activated_before_signed),
    Check("billing_line_without_contract", BLOCKING, _bill_without_contract),
    Check("duplicate_current_contract", BLOCKING, _duplicates(Contract)),
    Check("duplicate_current_billing_line", BLOCKING, _duplicates(BillingLine)),
    Check("no_fiscal_profile", BLOCKING, _no_fiscal_profile),
    Check("offer_not_valid_at_signature", WARNING, _offer_not_valid),
)


def check(session: Session, month: date, instance_id: int | None = None) -> dict:
    """Run every check on ``month``, store the issues found in place of the earlier ones; return the counts."""
    label = f"{month:%Y-%m}"
    now = clock.now()
    session.execute(delete(DataIssue).where(DataIssue.period == label))
    counts = {BLOCKING: 0, WARNING: 0}
    for item in CHECKS:
        rows = session.execute(item.query(month).limit(MAX_PER_CHECK)).all()
        if rows:
            session.execute(insert(DataIssue), [
                {"period": label, "kind": item.kind, "severity": item.severity, "ref": str(ref)[:120],
                 "message": str(message)[:300], "instance_id": instance_id, "checked_at": now}
                for ref, message in rows])
            counts[item.severity] += len(rows)
    session.flush()
    return {"blocking_issues": counts[BLOCKING], "warnings": counts[WARNING]}


def issues(session: Session, period: str) -> list[DataIssue]:
    """Return the stored issues of a period (``YYYY-MM``), blocking ones first."""
    return list(session.scalars(select(DataIssue).where(DataIssue.period == period)
                                .order_by(DataIssue.severity, DataIssue.kind, DataIssue.ref)))
