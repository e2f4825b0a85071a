"""What one seller's accrual reads: the run inputs of a period restricted to the seller, by indexed queries.

A seller's lines of a period depend on its own contracts (every contract it ever sold, whoever sells it now,
so that clawbacks and releases of its earlier lines see the contract's current state), their bills, its
service orders and targets, the earlier lines of everyone who sold those contracts (their open holds decide
which earlier bills a run reads), and, for the overrides its sales give, its upline as the hierarchy stood on
each date. The rows come from the loaders of a calculation run (``app.services.calculation.inputs``) with
their seller filter, so both read the very same columns; the test "incremental equals full run" checks it.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import CommissionLine
from app.models import Contract
from app.services.accrual.shared import Shared
from app.services.calculation import inputs as run_inputs
from app.services.calculation.lines import contracts_waiting
from app.services.calculation.lines import current_before
from app.services.calculation.lines import line_columns
from calc.inputs import RunInputs
from calc.inputs import empty
from calc.lineage import LINE_SCHEMA


def sold_by(sellers: Collection[int]):
    """Return the subquery of the references of every contract the sellers sold, in any version."""
    return select(Contract.external_id).where(Contract.partner_id.in_(sellers))


def sellers_of(session: Session, contract_refs) -> set[int]:
    """Return every partner that sold one of ``contract_refs`` (a list or a subquery), in any version."""
    return set(session.scalars(select(Contract.partner_id).where(Contract.external_id.in_(contract_refs))
                               .distinct()))


def prior_lines(session: Session, period: date, partner_ids: Collection[int]) -> pl.DataFrame:
    """Return the lines of the current runs of the periods before ``period`` earned by ``partner_ids``."""
    current = current_before(period)
    query = select(*line_columns(CommissionLine)).where(
        CommissionLine.run_id.in_(current), CommissionLine.partner_id.in_(partner_ids))
    return run_inputs.frame_of(session.connection().execute(query).all(), LINE_SCHEMA)


@dataclass(frozen=True)
class Unit:
    """What a group of sellers' lines are computed from; ``prior`` holds the earlier lines of ``covered``."""

    inputs: RunInputs
    prior: pl.DataFrame
    covered: frozenset[int]


def sale_unit(session: Session, shared: Shared, sellers: set[int]) -> Unit:
    """Return the run inputs and the earlier lines that the sellers' lines of the period depend on."""
    period = shared.period
    # A subquery, not the list of references: a few hundred bound values cost more to send than to look up again.
    refs = sold_by(sellers)
    contracts, sold_them = run_inputs.contracts_and_sellers(session, refs)
    everyone = sold_them | sellers
    prior = prior_lines(session, period, everyone)
    inputs = RunInputs(
        partners=run_inputs.partners(session, everyone | shared.ancestors(sellers)),
        hierarchy=shared.hierarchy,
        contracts=contracts,
        billing_lines=run_inputs.billing_lines(session, period, contracts_waiting(prior), refs),
        service_orders=run_inputs.service_orders(session, period, sellers),
        targets=run_inputs.targets(session, period, sellers),
        assignments=shared.assignments,
    )
    return Unit(inputs, prior, frozenset(everyone))


def settle_unit(session: Session, shared: Shared, unit: Unit, partner_ids: set[int]) -> tuple[RunInputs, pl.DataFrame]:
    """Return the inputs and earlier lines of some partners' limits and pay lines (each one a seller or an
    upline of one, so in the unit's partners), reading only the earlier lines the unit does not hold."""
    mine = pl.col("partner_id").is_in(list(partner_ids))
    priors = [unit.prior.filter(mine)]
    outside = partner_ids - unit.covered
    if outside:
        priors.append(prior_lines(session, shared.period, outside))
    inputs = RunInputs(partners=unit.inputs.partners.filter(mine), hierarchy=shared.hierarchy,
                       assignments=shared.assignments, contracts=empty("contracts"),
                       billing_lines=empty("billing_lines"))
    return inputs, pl.concat(priors, how="vertical")
