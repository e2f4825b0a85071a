"""What one seller's accrual reads: the run inputs of a period restricted to the seller, by indexed queries.

A seller's lines of a period depend on its own contracts (every contract it ever sold, whoever sells it now,
so that clawbacks and releases of its earlier lines see the contract's current state), their bills, its
service orders and targets, the earlier lines of everyone who sold those contracts (their open holds decide
which earlier bills a run reads), and, for the overrides its sales give, its upline as the hierarchy stood on
each date. The queries mirror ``app.services.calculation.inputs`` with a ``WHERE`` on the seller; the test
"incremental equals full run" keeps them in step.
"""

from dataclasses import dataclass
from datetime import date
from datetime import datetime

import polars as pl
from sqlalchemy import BigInteger
from sqlalchemy import String
from sqlalchemy import and_
from sqlalchemy import cast
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import BillingLine
from app.models import CalculationRun
from app.models import CommissionLine
from app.models import CommissionPeriod
from app.models import Contract
from app.models import Customer
from app.models import Offer
from app.models import Partner
from app.models import PartnerGroupMember
from app.models import PartnerLink
from app.models import Product
from app.models import ServiceOrder
from app.models import Target
from app.services.calculation.lines import RENAMED
from app.services.calculation.lines import contracts_waiting
from calc.inputs import SCHEMAS
from calc.inputs import RunInputs
from calc.inputs import empty
from calc.inputs import next_month
from calc.lineage import LINE_SCHEMA


@dataclass(frozen=True)
class Shared:
    """The small inputs every unit of a period reads: the whole hierarchy and the period's assignments."""

    period: date
    hierarchy: pl.DataFrame
    assignments: pl.DataFrame


def fetch(session: Session, query, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Return the rows of a small, indexed query as a typed frame (cached statements beat COPY at this size)."""
    return pl.DataFrame(session.execute(query).all(), schema=schema, orient="row")


def _cents(column):
    return cast(func.round(column * 100), BigInteger)


def _milli(column):
    return cast(func.round(column * 1000), BigInteger)


def sold_by(sellers: set[int]):
    """Return the subquery of the references of every contract the sellers sold, in any version."""
    return select(Contract.external_id).where(Contract.partner_id.in_(sellers))


def sellers_of(session: Session, contract_refs) -> set[int]:
    """Return every partner that sold one of ``contract_refs`` (a list or a subquery), in any version."""
    return set(session.scalars(select(Contract.partner_id).where(Contract.external_id.in_(contract_refs))
                               .distinct()))


def hierarchy(session: Session) -> pl.DataFrame:
    """Return every effective-dated parent link (as ``app.services.calculation.inputs.hierarchy``)."""
    query = select(PartnerLink.partner_id, PartnerLink.parent_id, PartnerLink.valid_from, PartnerLink.valid_to)
    return fetch(session, query, SCHEMAS["hierarchy"])


def ancestors(hierarchy: pl.DataFrame, partner_ids: set[int]) -> set[int]:
    """Return every partner above ``partner_ids`` on any date, at any depth."""
    parents: dict[int, set[int]] = {}
    for child, parent in hierarchy.select("partner_id", "parent_id").iter_rows():
        parents.setdefault(child, set()).add(parent)
    found: set[int] = set()
    todo = list(partner_ids)
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in found:
                found.add(parent)
                todo.append(parent)
    return found


def descendants(hierarchy: pl.DataFrame, partner_id: int) -> set[int]:
    """Return every partner below ``partner_id`` on any date, at any depth."""
    children: dict[int, set[int]] = {}
    for child, parent in hierarchy.select("partner_id", "parent_id").iter_rows():
        children.setdefault(parent, set()).add(child)
    found: set[int] = set()
    todo = [partner_id]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def partners(session: Session, ids: set[int]) -> pl.DataFrame:
    """Return ``ids`` with kind, territory and groups (the kind first), as the run's partners frame."""
    query = select(Partner.id, cast(Partner.kind, String), Partner.territory).where(Partner.id.in_(ids))
    members: dict[int, list[str]] = {}
    for group, partner_id in session.execute(select(PartnerGroupMember.partner_group, PartnerGroupMember.partner_id)
                                             .where(PartnerGroupMember.partner_id.in_(ids))):
        members.setdefault(partner_id, []).append(group)
    rows = [(pid, kind, territory, [kind, *members.get(pid, [])]) for pid, kind, territory in session.execute(query)]
    return pl.DataFrame(rows, schema=SCHEMAS["partners"], orient="row")


def contracts(session: Session, refs) -> pl.DataFrame:
    """Return the current version of the contracts ``refs`` (a subquery), as the run's contracts frame."""
    query = (
        select(
            Contract.id.label("contract_id"), Contract.external_id.label("contract_ref"), Contract.partner_id,
            cast(Product.commodity, String).label("product"), Contract.offer_code.label("offer"),
            Contract.options.label("options"), Offer.category.label("category"),
            cast(Customer.segment, String).label("segment"), Customer.territory.label("territory"),
            cast(Contract.status, String).label("status"), Contract.status_reason, Contract.signed_on,
            Contract.activated_on, Contract.terminated_on,
            func.coalesce(_milli(Contract.yearly_volume), 0).label("yearly_volume_milli"),
        )
        .join(Product, Product.code == Contract.product_code)
        .join(Offer, Offer.code == Contract.offer_code)
        .join(Customer, Customer.id == Contract.customer_id)
        .where(Contract.is_current, Contract.external_id.in_(refs))
    )
    return fetch(session, query, SCHEMAS["contracts"])


def billing_lines(session: Session, period: date, refs, waiting: list[str]) -> pl.DataFrame:
    """Return the current bills of ``refs`` of ``period`` and, for contracts with open holds, their earlier bills."""
    condition = and_(BillingLine.period_start >= period, BillingLine.period_start < next_month(period))
    if waiting:
        condition = or_(condition, and_(BillingLine.period_start < period,
                                        BillingLine.contract_external_id.in_(waiting)))
    query = select(
        BillingLine.id.label("billing_line_id"), BillingLine.external_id.label("billing_ref"),
        BillingLine.contract_external_id.label("contract_ref"), BillingLine.period_start.label("period"),
        _milli(BillingLine.volume).label("volume_milli"), _cents(BillingLine.amount_billed).label("amount_cents"),
        _cents(BillingLine.fixed_fee_billed).label("fixed_fee_cents"), BillingLine.paid, BillingLine.paid_on,
    ).where(BillingLine.is_current, BillingLine.contract_external_id.in_(refs), condition)
    frame = fetch(session, query, SCHEMAS["billing_lines"])
    return frame.with_columns(pl.col("period").dt.month_start())


def service_orders(session: Session, period: date, sellers: set[int]) -> pl.DataFrame:
    """Return the sellers' current service orders closed in ``period`` (timestamps read as a run reads them)."""
    query = select(
        ServiceOrder.id.label("service_order_id"), ServiceOrder.external_id.label("order_ref"),
        ServiceOrder.partner_id, ServiceOrder.job_type, ServiceOrder.opened_at, ServiceOrder.completed_at,
        cast(ServiceOrder.sla_hours, BigInteger).label("sla_hours"), ServiceOrder.outcome,
        ServiceOrder.first_time_fix, cast(ServiceOrder.rating, BigInteger).label("rating"),
    ).where(ServiceOrder.is_current, ServiceOrder.partner_id.in_(sellers), ServiceOrder.completed_at >= period,
            ServiceOrder.completed_at < next_month(period))
    # A run reads timestamps as the database prints them, in the session's zone: keep that wall time.
    rows = [tuple(v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in row)
            for row in session.execute(query)]
    return pl.DataFrame(rows, schema=SCHEMAS["service_orders"], orient="row")


def targets(session: Session, period: date, sellers: set[int]) -> pl.DataFrame:
    """Return the sellers' targets for the period: the month's when set, else the year's."""
    rows = session.execute(select(Target.partner_id, Target.kpi, Target.value, Target.month).where(
        Target.partner_id.in_(sellers), Target.year == period.year,
        or_(Target.month.is_(None), Target.month == period.month))).all()
    chosen: dict[tuple[int, str], tuple] = {}
    for partner_id, kpi, value, month in rows:
        if month is not None or (partner_id, kpi) not in chosen:
            chosen[partner_id, kpi] = (partner_id, kpi, format(value.normalize(), "f"))
    return pl.DataFrame(list(chosen.values()), schema=SCHEMAS["targets"], orient="row")


def _line_columns():
    columns = []
    for name in LINE_SCHEMA:
        if name == "amount_cents":
            columns.append(cast(func.round(CommissionLine.amount * 100), BigInteger).label("amount_cents"))
        else:
            columns.append(getattr(CommissionLine, RENAMED.get(name, name)).label(name))
    return columns


def prior_lines(session: Session, period: date, partner_ids: set[int]) -> pl.DataFrame:
    """Return the lines of the current runs of the periods before ``period`` earned by ``partner_ids``."""
    current = select(CommissionPeriod.current_run_id).where(
        CommissionPeriod.month < period, CommissionPeriod.current_run_id.is_not(None))
    query = select(*_line_columns()).join(CalculationRun, CalculationRun.id == CommissionLine.run_id).where(
        CalculationRun.id.in_(current), CommissionLine.partner_id.in_(partner_ids))
    return fetch(session, query, LINE_SCHEMA)


@dataclass(frozen=True)
class Unit:
    """What a group of sellers' lines are computed from; ``prior`` holds the earlier lines of ``covered``."""

    inputs: RunInputs
    prior: pl.DataFrame
    covered: frozenset[int]


def sale_unit(session: Session, shared: Shared, sellers: set[int]) -> Unit:
    """Return the run inputs and the earlier lines that the sellers' lines of the period depend on."""
    period = shared.period
    refs = sold_by(sellers)
    everyone = sellers_of(session, refs) | sellers
    prior = prior_lines(session, period, everyone)
    inputs = RunInputs(
        partners=partners(session, everyone | ancestors(shared.hierarchy, sellers)),
        hierarchy=shared.hierarchy,
        contracts=contracts(session, refs),
        billing_lines=billing_lines(session, period, refs, contracts_waiting(prior)),
        service_orders=service_orders(session, period, sellers),
        targets=targets(session, period, sellers),
        assignments=shared.assignments,
    )
    return Unit(inputs, prior, frozenset(everyone))


def settle_unit(session: Session, shared: Shared, unit: Unit, partner_id: int) -> tuple[RunInputs, pl.DataFrame]:
    """Return the inputs and earlier lines of a partner's limits and pay lines (the partner is in the unit's
    partners: a seller or one of their upline), reading only the earlier lines the unit does not hold."""
    mine = pl.col("partner_id") == partner_id
    if partner_id in unit.covered:
        prior = unit.prior.filter(mine)
    else:
        prior = prior_lines(session, shared.period, {partner_id})
    inputs = RunInputs(partners=unit.inputs.partners.filter(mine), hierarchy=shared.hierarchy,
                       assignments=shared.assignments, contracts=empty("contracts"),
                       billing_lines=empty("billing_lines"))
    return inputs, prior
