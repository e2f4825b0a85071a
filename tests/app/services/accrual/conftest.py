"""Fixtures for accrual tests: the test network under plans with every stage (one-off, recurring held until the
bill is paid, an activation accelerator, a clawback, a two-level override, guarantees), and helpers that write
source rows the way an import does (a changed row becomes a new current version)."""

from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import select

from app.extensions import db
from app.models import AccruedBalance
from app.models import BillingLine
from app.models import Contract
from app.models import ContractStatus
from app.models import Customer
from app.models.contract import Segment
from app.services import plans
from app.services.accrual import store
from app.services.accrual.updates import plans_of
from app.services.calculation import inputs as run_inputs
from app.services.calculation import lines as stored_lines
from calc.lineage import LINE_SCHEMA
from calc.pipeline import calculate

FEBRUARY = date(2026, 2, 1)

AGENTS_PLAN = """
plan_id: agents-accrual
version: 1
name: Agenti maturato
valid_from: 2026-01-01
components:
  - kind: one_off
    id: activation
    rate_table:
      - amount: "50.00"
  - kind: recurring
    id: consumption
    basis: volume
    months: 12
    rate_table:
      - rate: "0.004"
    hold: {until: bill_paid}
  - kind: tiers
    id: accelerator
    metric: activations
    mode: retroactive
    tiers:
      - {start: "2", rate: "5.00"}
  - kind: clawback
    id: storno
    of_components: [activation]
    within_months: 6
    mode: full
limits:
  guarantee: "60.00"
"""

OVERRIDE_PLAN = """
plan_id: overrides-accrual
version: 1
name: Override maturato
valid_from: 2026-01-01
components:
  - kind: override
    id: override
    of_plans: [agents-accrual]
    levels:
      - {level: 1, rate: "0.10"}
      - {level: 2, rate: "0.05"}
limits:
  guarantee: "10.00"
"""


@pytest.fixture
def planned(app, network):
    """The test network with the accrual plans assigned: agents' plan to sellers, overrides to their upline."""
    for text, groups in ((AGENTS_PLAN, ("agent", "sub_agent")), (OVERRIDE_PLAN, ("agency", "agent"))):
        version, _ = plans.import_yaml(db.session, None, text, publish=True)
        for group in groups:
            plans.assign(db.session, None, version.plan, date(2026, 1, 1), group=group)
    db.session.commit()
    return network


def new_contract(ref: str, seller: int, signed_on: date, **fields) -> Contract:
    """Write a new contract (version 1) for ``seller``, as an import would."""
    customer = Customer(external_id=f"CU-{ref}", name=f"Cliente {ref}", segment=Segment.RESIDENTIAL,
                        territory="Lombardia")
    db.session.add(customer)
    db.session.flush()
    values = {"status": ContractStatus.SIGNED, "yearly_volume": Decimal("2700.000")} | fields
    contract = Contract(external_id=ref, customer_id=customer.id, partner_id=seller, product_code="ELE",
                        offer_code="ELE-FIX", signed_on=signed_on, **values)
    db.session.add(contract)
    db.session.flush()
    return contract


def new_version(ref: str, **changes) -> Contract:
    """Write the next version of contract ``ref`` with ``changes``; the old version stops being current."""
    old = db.session.scalar(select(Contract).where(Contract.external_id == ref, Contract.is_current))
    old.is_current = False
    db.session.flush()
    keep = ("customer_id", "partner_id", "product_code", "offer_code", "options", "supply_point", "status",
            "status_reason", "signed_on", "activated_on", "terminated_on", "yearly_volume")
    values = {name: getattr(old, name) for name in keep} | changes
    contract = Contract(external_id=ref, version=old.version + 1, **values)
    db.session.add(contract)
    db.session.flush()
    return contract


def bill(ref: str, contract_ref: str, volume: str, paid: bool = False, paid_on: date | None = None) -> BillingLine:
    """Write a billing line of February for ``contract_ref`` (a new version when ``ref`` exists)."""
    old = db.session.scalar(select(BillingLine).where(BillingLine.external_id == ref, BillingLine.is_current))
    if old is not None:
        old.is_current = False
        db.session.flush()
    line = BillingLine(external_id=ref, version=(old.version + 1) if old else 1, contract_external_id=contract_ref,
                       period_start=FEBRUARY, period_end=date(2026, 2, 28), volume=Decimal(volume),
                       amount_billed=Decimal("61.35"), fixed_fee_billed=Decimal("12.00"), paid=paid, paid_on=paid_on)
    db.session.add(line)
    db.session.flush()
    return line


def full_run_lines(period: date) -> pl.DataFrame:
    """Return the lines a calculation run of ``period`` would compute on the data as it stands."""
    prior = stored_lines.before(db.session, period)
    inputs = run_inputs.load(db.session, period, stored_lines.contracts_waiting(prior))
    return calculate(period, inputs, plans_of(db.session, period), prior).lines


def comparable(lines: pl.DataFrame) -> pl.DataFrame:
    """Return lines in a canonical order and column set, for exact comparison."""
    return lines.select(list(LINE_SCHEMA)).sort("line_key")


def assert_equals_full_run(period: date = FEBRUARY) -> None:
    """Assert that the stored accrual lines are exactly the lines of a full run."""
    assert_frame_equal(comparable(store.lines(db.session, period)), comparable(full_run_lines(period)))


def balances(period: date = FEBRUARY) -> dict[tuple[int, str, str], tuple[Decimal, Decimal, int]]:
    """Return every balance of the period as (amount, held, lines) by (partner, plan, component)."""
    rows = db.session.scalars(select(AccruedBalance).where(AccruedBalance.period == period))
    return {(b.partner_id, b.plan_code, b.component_id): (b.amount, b.held, b.lines) for b in rows}


def partner_total(partner_id: int, period: date = FEBRUARY) -> Decimal:
    """Return what a partner has accrued in the period, every component together."""
    return sum((amount for (pid, _, _), (amount, _, _) in balances(period).items() if pid == partner_id),
               Decimal("0.00"))
