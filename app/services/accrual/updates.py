"""Keeping the accruals (maturato) of the open periods up to date as source data arrives.

When contracts, billing lines or service orders change, the sellers they belong to (in any version) are
recomputed unit by unit: the seller's own lines and the overrides they give its upline, then the limits and
pay lines of every partner whose earnings changed. Only the lines that differ from the stored ones are
written, and their difference is added to the balances (``store``); the hierarchy, assignments and plan
documents are kept between events while their rows are unchanged (``shared``). ``rebuild`` computes a
period from scratch with ``calc.pipeline.calculate`` on the inputs a calculation run reads, which is what the
incremental updates must always equal; ``open_month`` does it once for a month that is not open yet.

Updates and rebuilds take the lock imports take (one writer of source data at a time, on PostgreSQL): two
updates of one seller at once would each miss the other's rows, and a rebuild would miss an event committed
while it reads.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime

import polars as pl
from sqlalchemy import Select
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import union
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.models import AccrualLine
from app.models import AccrualPeriod
from app.models import BillingLine
from app.models import CommissionLine
from app.models import CommissionPeriod
from app.models import Contract
from app.models import PeriodStatus
from app.models import ServiceOrder
from app.services.accrual import engine
from app.services.accrual import inputs as unit_inputs
from app.services.accrual import shared as shared_inputs
from app.services.accrual import store
from app.services.accrual.shared import plans_of
from app.services.calculation import inputs as run_inputs
from app.services.calculation import lines as stored_lines
from app.services.calculation.frames import is_postgres
from app.services.imports.writers import lock as wait_for_other_writers
from calc.pipeline import calculate
from calc.plan import Plan as PlanDocument
from workflows import clock

# References to source rows: external ids, or a subquery that selects them.
Refs = Iterable[str] | Select

# Past this many sellers one event batch is cheaper as a rebuild of the period than seller by seller.
REBUILD_ABOVE = 300

class AccrualError(RuntimeError):
    """A period whose accruals cannot be kept (it is approved and locked)."""


@dataclass(frozen=True)
class Refreshed:
    """What an update touched: the periods, the sellers recomputed, the partners whose balances changed."""

    periods: tuple[date, ...]
    sellers: tuple[int, ...]
    partners: tuple[int, ...]
    rebuilt: bool = False


def open_periods(session: Session) -> list[date]:
    """Return the months whose accruals are kept, leaving out periods approved since."""
    locked = select(CommissionPeriod.month).where(CommissionPeriod.status == PeriodStatus.APPROVED)
    return list(session.scalars(select(AccrualPeriod.month).where(AccrualPeriod.month.not_in(locked))
                                .order_by(AccrualPeriod.month)))


def sellers_of_sources(session: Session, contract_refs: Refs = (), billing_refs: Refs = (),
                       order_refs: Refs = ()) -> set[int]:
    """Return every partner that sold the contracts, or the contracts of the bills, in any version; each kind of
    reference is given as external ids, or as a subquery of them (an import's million rows: no bound values)."""
    sellers: set[int] = set()
    if (contracts := _given(contract_refs)) is not None:
        sellers |= unit_inputs.sellers_of(session, contracts)
    if (bills := _given(billing_refs)) is not None:
        billed = select(BillingLine.contract_external_id).where(BillingLine.external_id.in_(bills))
        sellers |= unit_inputs.sellers_of(session, billed)
    if (orders := _given(order_refs)) is not None:
        sellers |= set(session.scalars(select(ServiceOrder.partner_id)
                                       .where(ServiceOrder.external_id.in_(orders)).distinct()))
    return sellers


def _given(refs: Refs) -> Select | list[str] | None:
    """Return references as a subquery or a list of external ids, None when there are none."""
    return refs if isinstance(refs, Select) else (list(refs) or None)


def refresh(session: Session, *, contract_refs: Refs = (), billing_refs: Refs = (), order_refs: Refs = (),
            partner_ids: Iterable[int] = ()) -> Refreshed:
    """Bring the accruals of every open period up to date after source rows changed, in the caller's transaction.

    Call it after writing new versions of contracts (``contract_refs``, their external ids or a subquery of
    them), billing lines (``billing_refs``), service orders (``order_refs``), or after a change that concerns
    whole partners (targets, a move in the hierarchy: ``partner_ids``).
    """
    wait_for_other_writers(session.connection())
    periods = open_periods(session)
    if not periods:
        return Refreshed((), (), ())
    sellers = sellers_of_sources(session, contract_refs, billing_refs, order_refs) | set(partner_ids)
    if not sellers:
        return Refreshed(tuple(periods), (), ())
    if len(sellers) > REBUILD_ABOVE:
        for period in periods:
            rebuild(session, period)
        return Refreshed(tuple(periods), tuple(sorted(sellers)), (), rebuilt=True)
    if is_postgres(session):
        # The unit queries are parameterised by one seller: a plan cached for another one can be far off.
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    touched: set[int] = set()
    for period in periods:
        touched |= _refresh_period(session, period, sellers)
    return Refreshed(tuple(periods), tuple(sorted(sellers)), tuple(sorted(touched)))


def _refresh_period(session: Session, period: date, sellers: set[int]) -> set[int]:
    """Recompute the sellers' sale units, then the settle units of every partner whose earnings changed, and add
    the changed lines to the balances; return the partners whose balances changed."""
    shared = shared_inputs.of_period(session, period)
    plans = shared.plans
    unit = unit_inputs.sale_unit(session, shared, sellers)
    run = engine.run_of(period, unit.inputs, unit.prior)
    sale = engine.unit_columns(engine.sale_lines(run, plans, sellers))
    changes = [store.replace_units(session, period, engine.SALE, sellers, sale)]
    settling = engine.settle_plans(plans)
    earners = changes[0].partners
    if settling and earners:
        to_settle = _to_settle(session, period, run, settling, earners)
        if to_settle:
            changes.append(_settle(session, shared, unit, settling, to_settle, sellers, sale))
    touched = store.apply_changes(session, period, changes)
    session.execute(update(AccrualPeriod).where(AccrualPeriod.month == period).values(
        updated_at=datetime.now(UTC), events=AccrualPeriod.events + 1))
    return touched


def _to_settle(session: Session, period: date, run, settling: list[PlanDocument], earners: set[int]) -> set[int]:
    """Return the earners whose limit or pay lines may change: members of a settle plan, or with such lines."""
    found = engine.needs_settling(run, settling, earners)
    rest = earners - found
    if not rest:
        return found
    # Others settle when they have settle lines already, or earlier floor or advance lines carried forward.
    current = stored_lines.current_before(period)
    settled = select(AccrualLine.unit_partner_id).where(
        AccrualLine.period == period, AccrualLine.unit_stage == engine.SETTLE, AccrualLine.unit_partner_id.in_(rest))
    carried = select(CommissionLine.partner_id).where(
        CommissionLine.run_id.in_(current), CommissionLine.partner_id.in_(rest),
        CommissionLine.plan_code.in_([plan.plan_id for plan in settling]),
        CommissionLine.line_kind.in_(engine.SETTLE_HISTORY_KINDS))
    return found | set(session.scalars(union(settled, carried)))


def _settle(session: Session, shared: shared_inputs.Shared, unit: unit_inputs.Unit, settling: list[PlanDocument],
            partner_ids: set[int], sellers: set[int], sale: pl.DataFrame) -> store.Change:
    """Recompute the partners' limit and pay lines from everything each one earns in the period."""
    # Limits read the lines of their own plan only; pay components read every line the partner earns.
    codes = None if engine.has_pay_components(settling) else [plan.plan_id for plan in settling]
    mine = sale.filter(pl.col("partner_id").is_in(list(partner_ids))).drop(store.UNIT_COLUMNS)
    if codes is not None:
        mine = mine.filter(pl.col("plan_id").is_in(codes))
    earned = [mine]
    # A seller with no downline earns nothing outside its own unit: no need to ask the database.
    elsewhere = {partner_id for partner_id in partner_ids
                 if partner_id not in sellers or shared.descendants(partner_id)}
    if elsewhere:
        earned.append(store.earned_elsewhere(session, shared.period, elsewhere, sellers, codes))
    inputs, prior = unit_inputs.settle_unit(session, shared, unit, partner_ids)
    run = engine.run_of(shared.period, inputs, prior)
    settled = engine.settle_lines(run, settling, partner_ids, pl.concat(earned, how="vertical"))
    return store.replace_units(session, shared.period, engine.SETTLE, partner_ids, engine.unit_columns(settled))


def rebuild(session: Session, period: date) -> int:
    """Compute the period's accruals from scratch, as a calculation run would; return the number of lines."""
    status = session.scalar(select(CommissionPeriod.status).where(CommissionPeriod.month == period))
    if status == PeriodStatus.APPROVED:
        raise AccrualError(f"period {period:%Y-%m} is approved and locked: its accruals are closed")
    wait_for_other_writers(session.connection())
    accrual_period = session.get(AccrualPeriod, period)
    if accrual_period is None:
        accrual_period = AccrualPeriod(month=period, events=0)
        session.add(accrual_period)
        session.flush()
    prior = stored_lines.before(session, period)
    inputs = run_inputs.load(session, period, stored_lines.contracts_waiting(prior))
    result = calculate(period, inputs, plans_of(session, period), prior)
    store.clear(session, period)
    # Written unit by unit, so that the lines an event reads back sit together on few pages.
    count = store.write(session, engine.unit_columns(result.lines).sort("unit_stage", "unit_partner_id"))
    store.refresh_balances(session, period)
    accrual_period.rebuilt_at = accrual_period.updated_at = datetime.now(UTC)
    return count


def current_month() -> date:
    """Return the first day of the company's current month (Rome)."""
    return clock.company_day(clock.now()).replace(day=1)


def open_month(session: Session, month: date | None = None) -> bool:
    """Open ``month`` (the current one by default) for accruals with a rebuild, unless it is open already or its
    period is approved; return True when it was opened. Run it when a month begins (``flask accruals open-month``
    in the tick), so events of the new month find it open."""
    month = (month or current_month()).replace(day=1)
    if session.get(AccrualPeriod, month) is not None:
        return False
    try:
        rebuild(session, month)
    except AccrualError:  # approved: refused before anything is written
        return False
    return True


def on_contract_event(session: Session, contract_external_ids: Iterable[str]) -> Refreshed:
    """Update the accruals after new versions of these contracts were written."""
    return refresh(session, contract_refs=contract_external_ids)


def on_billing_lines(session: Session, billing_external_ids: Iterable[str] = (),
                     contract_refs: Iterable[str] = ()) -> Refreshed:
    """Update the accruals after billing lines (by their external ids, or by their contracts) arrived."""
    return refresh(session, billing_refs=billing_external_ids, contract_refs=contract_refs)


def on_partner_moved(session: Session, partner_id: int) -> Refreshed:
    """Update the accruals after a partner got a new parent: its sales and its downline's feed new uplines."""
    below = shared_inputs.descendants(run_inputs.hierarchy(session), partner_id)
    return refresh(session, partner_ids={partner_id, *below})


def on_import_batch(session: Session, batch_id: int) -> Refreshed:
    """Update the accruals after an import batch wrote its rows (found by their ``import_batch_id``, in the
    database: a batch may hold a million rows)."""
    def refs(model):
        return select(model.external_id).where(model.import_batch_id == batch_id)

    return refresh(session, contract_refs=refs(Contract), billing_refs=refs(BillingLine), order_refs=refs(ServiceOrder))
