"""A period's inputs, read set-based from the database into the frames ``calc.inputs`` documents.

Money becomes integer cents and volumes integer milli-units in SQL, so nothing passes through float in Python.
Contracts are their current versions; billing lines those of the billed month plus the earlier bills that open
holds wait on; service orders those closed in the month. Every row carries the id of the version used, so
result lines point at exactly the data they were computed from.

Each loader reads the whole network by default; given ``partner_ids`` (partners, service orders, targets) or
``contract_refs`` (contracts and their bills: a list or a subquery of external ids) it reads only those rows,
by indexed queries: that is how an accrual reads one seller's share of a period, with the very same columns.
"""

from collections.abc import Collection
from datetime import date
from datetime import datetime

import polars as pl
from sqlalchemy import BigInteger
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import and_
from sqlalchemy import cast
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import BillingLine
from app.models import Contract
from app.models import Customer
from app.models import Offer
from app.models import Partner
from app.models import PartnerGroupMember
from app.models import PartnerLink
from app.models import Product
from app.models import ServiceOrder
from app.models import Target
from app.models.plan import Plan
from app.models.plan import PlanAssignment
from app.models.plan import PlanVersion
from app.services.calculation.frames import read_frame
from calc.inputs import SCHEMAS
from calc.inputs import RunInputs
from calc.inputs import next_month

# A list of external ids, or a subquery selecting them.
Refs = Collection[str] | object


def _cents(column):
    return cast(func.round(column * 100), BigInteger)


def _milli(column):
    return cast(func.round(column * 1000), BigInteger)


def _read(session: Session, query, schema: dict[str, pl.DataType], filtered: bool) -> pl.DataFrame:
    """Return the rows of ``query`` as a typed frame: streamed (COPY) for a whole period, through the cached
    statement for a filtered, indexed read of a few hundred rows (compiling a COPY each time costs more)."""
    if not filtered:
        return read_frame(session, query, schema)
    rows = session.connection().execute(query).all()
    if any(isinstance(dtype, pl.Datetime) for dtype in schema.values()):
        # A streamed read gets timestamps as the database prints them, in the session's zone: keep that wall time.
        rows = [tuple(v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in row) for row in rows]
    return frame_of(rows, schema)


def frame_of(rows, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Return query rows as a typed frame, built column by column (faster than row by row)."""
    if not rows:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame(dict(zip(schema, map(list, zip(*rows, strict=True)), strict=True)), schema=schema)


def _groups(session: Session, partner_ids: Collection[int] | None) -> dict[int, list[str]]:
    """Return each partner's explicit groups (of ``partner_ids`` only, when given)."""
    query = select(PartnerGroupMember.partner_group, PartnerGroupMember.partner_id)
    if partner_ids is not None:
        query = query.where(PartnerGroupMember.partner_id.in_(partner_ids))
    members: dict[int, list[str]] = {}
    for group, partner_id in session.execute(query):
        members.setdefault(partner_id, []).append(group)
    return members


def partners(session: Session, partner_ids: Collection[int] | None = None) -> pl.DataFrame:
    """Return the partners (every one, or ``partner_ids``) with kind, territory and groups (the kind first)."""
    query = select(Partner.id.label("partner_id"), cast(Partner.kind, String).label("kind"),
                   Partner.territory.label("territory"))
    if partner_ids is not None:
        query = query.where(Partner.id.in_(partner_ids))
    frame = _read(session, query, {"partner_id": pl.Int64, "kind": pl.String, "territory": pl.String},
                  partner_ids is not None)
    members = _groups(session, partner_ids)
    groups = [[kind, *members.get(pid, [])] for pid, kind in zip(frame["partner_id"], frame["kind"], strict=True)]
    return frame.with_columns(pl.Series("groups", groups, dtype=pl.List(pl.String)))


def hierarchy(session: Session) -> pl.DataFrame:
    """Return every effective-dated parent link."""
    query = select(PartnerLink.partner_id, PartnerLink.parent_id, PartnerLink.valid_from, PartnerLink.valid_to)
    return read_frame(session, query, SCHEMAS["hierarchy"])


def _contract_versions(contract_refs: Refs | None):
    """Return the query of the contracts' versions (every one, or ``contract_refs``) with their product, offer,
    customer segment and territory."""
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
    )
    if contract_refs is not None:
        query = query.where(Contract.external_id.in_(contract_refs))
    return query


def contracts(session: Session, contract_refs: Refs | None = None) -> pl.DataFrame:
    """Return the current version of the contracts (every one, or ``contract_refs``) with their product,
    offer, customer segment and territory."""
    query = _contract_versions(contract_refs).where(Contract.is_current)
    return _read(session, query, SCHEMAS["contracts"], contract_refs is not None)


def contracts_and_sellers(session: Session, contract_refs: Refs) -> tuple[pl.DataFrame, set[int]]:
    """Return the current version of ``contract_refs`` (as ``contracts`` does) and every partner that sold one
    of them in any version, read by one query (an accrual needs both; each is an index lookup per contract)."""
    query = _contract_versions(contract_refs).add_columns(Contract.is_current)
    versions = _read(session, query, {**SCHEMAS["contracts"], "is_current": pl.Boolean}, True)
    sellers = set(versions.get_column("partner_id").unique().to_list())
    return versions.filter(pl.col("is_current")).drop("is_current"), sellers


def billing_lines(session: Session, period: date, waiting_contracts: list[str],
                  contract_refs: Refs | None = None) -> pl.DataFrame:
    """Return the current bills of ``period`` and, for contracts with open holds, their earlier bills (of
    ``contract_refs`` only, when given)."""
    in_period = BillingLine.period_start >= period
    condition = and_(in_period, BillingLine.period_start < next_month(period))
    if waiting_contracts:
        earlier = and_(BillingLine.period_start < period, BillingLine.contract_external_id.in_(waiting_contracts))
        condition = or_(condition, earlier)
    query = select(
        BillingLine.id.label("billing_line_id"), BillingLine.external_id.label("billing_ref"),
        BillingLine.contract_external_id.label("contract_ref"), BillingLine.period_start.label("period"),
        _milli(BillingLine.volume).label("volume_milli"), _cents(BillingLine.amount_billed).label("amount_cents"),
        _cents(BillingLine.fixed_fee_billed).label("fixed_fee_cents"), BillingLine.paid, BillingLine.paid_on,
    ).where(BillingLine.is_current, condition)
    if contract_refs is not None:
        query = query.where(BillingLine.contract_external_id.in_(contract_refs))
    frame = _read(session, query, SCHEMAS["billing_lines"], contract_refs is not None)
    # bills are monthly: the engine keys them on the first day of the billed month
    return frame.with_columns(pl.col("period").dt.month_start())


def service_orders(session: Session, period: date, partner_ids: Collection[int] | None = None) -> pl.DataFrame:
    """Return the current service orders closed in ``period`` (of ``partner_ids`` only, when given)."""
    query = select(
        ServiceOrder.id.label("service_order_id"), ServiceOrder.external_id.label("order_ref"),
        ServiceOrder.partner_id, ServiceOrder.job_type, ServiceOrder.opened_at, ServiceOrder.completed_at,
        cast(ServiceOrder.sla_hours, BigInteger).label("sla_hours"), ServiceOrder.outcome,
        ServiceOrder.first_time_fix, cast(ServiceOrder.rating, BigInteger).label("rating"),
    ).where(ServiceOrder.is_current, ServiceOrder.completed_at >= period,
            ServiceOrder.completed_at < next_month(period))
    if partner_ids is not None:
        query = query.where(ServiceOrder.partner_id.in_(partner_ids))
    return _read(session, query, SCHEMAS["service_orders"], partner_ids is not None)


def targets(session: Session, period: date, partner_ids: Collection[int] | None = None) -> pl.DataFrame:
    """Return each partner's targets for the period: the month's when set, else the year's."""
    query = select(Target.partner_id, Target.kpi, Target.value, Target.month).where(
        Target.year == period.year, or_(Target.month.is_(None), Target.month == period.month))
    if partner_ids is not None:
        query = query.where(Target.partner_id.in_(partner_ids))
    chosen: dict[tuple[int, str], tuple] = {}
    for partner_id, kpi, value, month in session.execute(query).all():
        if month is not None or (partner_id, kpi) not in chosen:
            chosen[partner_id, kpi] = (partner_id, kpi, format(value.normalize(), "f"))
    return pl.DataFrame(list(chosen.values()), schema=SCHEMAS["targets"], orient="row")


def assignments(session: Session, period: date) -> pl.DataFrame:
    """Return the assignments valid in the period, expanded to the plan versions valid at the same time."""
    end = next_month(period)
    query = (
        select(Plan.code.label("plan_id"), cast(PlanVersion.version, Integer).label("plan_version"),
               PlanAssignment.partner_id, PlanAssignment.partner_group.label("group"),
               PlanAssignment.valid_from, PlanAssignment.valid_to,
               PlanVersion.valid_from.label("version_from"), PlanVersion.valid_to.label("version_to"))
        .join(Plan, Plan.id == PlanAssignment.plan_id)
        .join(PlanVersion, PlanVersion.plan_id == Plan.id)
        .where(PlanVersion.status == literal("published"), PlanAssignment.valid_from < end,
               or_(PlanAssignment.valid_to.is_(None), PlanAssignment.valid_to > period),
               PlanVersion.valid_from < end, or_(PlanVersion.valid_to.is_(None), PlanVersion.valid_to > period))
    )
    rows = session.execute(query).all()
    records = []
    for plan_id, version, partner_id, group, a_from, a_to, v_from, v_to in rows:
        valid_from = max(a_from, v_from)
        valid_to = min((d for d in (a_to, v_to) if d is not None), default=None)
        if valid_to is None or valid_to > valid_from:
            records.append((plan_id, version, partner_id, group, valid_from, valid_to))
    return pl.DataFrame(records, schema=SCHEMAS["assignments"], orient="row")


def load(session: Session, period: date, waiting_contracts: list[str], network: RunInputs | None = None) -> RunInputs:
    """Return every input frame of ``period``; partners, hierarchy and contracts (the current network, the same
    for every period) are taken from ``network`` when given."""
    if network is None:
        network = RunInputs(partners=partners(session), hierarchy=hierarchy(session), contracts=contracts(session))
    return RunInputs(
        partners=network.partners, hierarchy=network.hierarchy, contracts=network.contracts,
        billing_lines=billing_lines(session, period, waiting_contracts),
        service_orders=service_orders(session, period), targets=targets(session, period),
        assignments=assignments(session, period),
    )
