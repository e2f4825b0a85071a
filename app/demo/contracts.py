"""Demo contracts: a year of sales by the network, plus the portfolio of supplies sold before it.

The network sells about 50,000 contracts a year at scale 1, in proportion to each seller's capacity and the
days it was active. Supplies sold in the two years before the window and still active when it opens (the
portfolio) are added, because recurring commissions are paid on kWh/Smc billed for them too. Each contract
gets its lifecycle from :mod:`app.demo.lifecycle`; about a third of those that moved on from signature keep
their history as separate versions (signed → active → terminated), exactly one of them current.
"""

import itertools
import math
import random
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from decimal import Decimal

from app.demo import lifecycle
from app.demo import places
from app.demo.catalogue import BUSINESS
from app.demo.catalogue import PRODUCTS
from app.demo.catalogue import RESIDENTIAL
from app.demo.catalogue import Catalogue
from app.demo.customers import CustomerBook
from app.demo.customers import DemoCustomer
from app.demo.identifiers import Identifiers
from app.demo.network import CALL_CENTRE
from app.demo.network import SELLING_KINDS
from app.demo.network import DemoPartner
from app.demo.network import Network
from app.demo.periods import ROME
from app.demo.periods import Window
from app.demo.periods import add_months

CONTRACT_COLUMNS = ("id", "external_id", "version", "is_current", "recorded_at", "import_batch_id", "customer_id",
                    "partner_id", "product_code", "offer_code", "options", "supply_point", "status",
                    "status_reason", "signed_on", "activated_on", "terminated_on", "yearly_volume")
CONTRACTS_PER_YEAR = 50_000
PORTFOLIO = 12_000
_DUAL_FUEL = 0.25  # residential electricity customers who take gas too
_HISTORY = 0.35
_BUSINESS_SHARE = {1: 0.45, 2: 0.22, 3: 0.12, 4: 0.12, 0: 0.05}
# Yearly consumption: median and spread (lognormal), and bounds, by product and segment.
_CONSUMPTION = {
    ("ELE", RESIDENTIAL): (2_700, 0.35, 900, 9_000),
    ("ELE", BUSINESS): (25_000, 0.9, 3_000, 400_000),
    ("GAS", RESIDENTIAL): (950, 0.45, 150, 4_000),
    ("GAS", BUSINESS): (9_000, 0.9, 1_000, 150_000),
}
_PRODUCT_CODES = tuple(p.code for p in PRODUCTS)
_PRODUCT_CUMULATIVE = tuple(itertools.accumulate(p.share for p in PRODUCTS))


@dataclass(slots=True)
class DemoContract:
    """A contract with its planned events and, for installations, its job."""

    number: int
    customer: DemoCustomer
    partner_id: int
    product: str
    offer: str
    options: str
    supply_point: str | None
    yearly_volume_milli: int | None
    events: list[lifecycle.Event]
    job: lifecycle.Job | None
    history: bool
    state: lifecycle.State

    @property
    def external_id(self) -> str:
        return f"CTR{self.number:08d}"


@dataclass(slots=True)
class _Sale:
    day: date
    seller: DemoPartner
    portfolio: bool


def _last_active_day(partner: DemoPartner, last: date) -> date:
    return last if partner.active_to is None else min(last, partner.active_to - timedelta(days=1))


def _sales(rng: random.Random, window: Window, sellers: list[DemoPartner], first: date, last: date,
           count: int, portfolio: bool) -> list[_Sale]:
    """Spread ``count`` sales over the sellers by capacity × days active between ``first`` and ``last``."""
    spans = []
    for seller in sellers:
        low, high = max(first, seller.active_from), _last_active_day(seller, last)
        if high >= low:
            spans.append((seller, low, high, seller.weight * ((high - low).days + 1)))
    total = sum(span[3] for span in spans) or 1.0
    sales = []
    for seller, low, high, exposure in spans:
        expected = count * exposure / total
        for _ in range(int(expected) + (rng.random() < expected - int(expected))):
            sales.append(_Sale(window.day_between(rng, low, high), seller, portfolio))
    return sales


def _yearly_volume(rng: random.Random, product: str, segment: str) -> int | None:
    """Return the expected yearly kWh/Smc in milli-units, None for installations."""
    shape = _CONSUMPTION.get((product, segment))
    if shape is None:
        return None
    median, spread, low, high = shape
    return round(min(max(rng.lognormvariate(math.log(median), spread), low), high)) * 1000


class _Seller:
    """Turns sales into contracts, one customer per sale."""

    def __init__(self, rng: random.Random, catalogue: Catalogue, customers: CustomerBook, ids: Identifiers,
                 window: Window) -> None:
        self.rng, self.catalogue, self.customers, self.ids, self.window = rng, catalogue, customers, ids, window
        self.contracts: list[DemoContract] = []

    def sell(self, sale: _Sale) -> None:
        rng, seller = self.rng, sale.seller
        segment = BUSINESS if rng.random() < _BUSINESS_SHARE[seller.level] else RESIDENTIAL
        if sale.portfolio or seller.kind == CALL_CENTRE:
            product = "ELE" if rng.random() < 0.62 else "GAS"
        else:
            product = rng.choices(_PRODUCT_CODES, cum_weights=_PRODUCT_CUMULATIVE)[0]
        region = places.any_region(rng) if seller.kind == CALL_CENTRE or rng.random() < 0.15 else seller.territory
        customer = self.customers.new(segment, region)
        self._contract(sale, customer, product)
        if product == "ELE" and segment == RESIDENTIAL and rng.random() < _DUAL_FUEL:
            self._contract(sale, customer, "GAS")

    def _contract(self, sale: _Sale, customer: DemoCustomer, product: str) -> None:
        rng, today = self.rng, self.window.today
        offer = self.catalogue.offer_for(rng, product, customer.segment, sale.day)
        job = None
        if sale.portfolio:
            events = lifecycle.portfolio_events(rng, sale.day, customer.segment, self.window.start)
        elif product in ("ELE", "GAS"):
            events = lifecycle.supply_events(rng, sale.day, customer.segment)
        else:
            key = offer if offer in lifecycle.INSTALLATIONS else product
            events, job = lifecycle.installation_events(rng, sale.day, key)
        point = self.ids.pdr() if product == "GAS" else self.ids.pod() if product in ("ELE", "EMOB", "PV") else None
        self.contracts.append(DemoContract(
            number=len(self.contracts) + 1, customer=customer, partner_id=sale.seller.id, product=product,
            offer=offer, options=self.catalogue.options_for(rng, product, offer), supply_point=point,
            yearly_volume_milli=_yearly_volume(rng, product, customer.segment), events=events, job=job,
            history=rng.random() < _HISTORY, state=lifecycle.state_on(events, today),
        ))


def sell(rng: random.Random, network: Network, catalogue: Catalogue, customers: CustomerBook, ids: Identifiers,
         window: Window, scale: float) -> list[DemoContract]:
    """Return the portfolio and the year's contracts, numbered in order of signature."""
    sellers = network.of_kind(*SELLING_KINDS)
    # A sale to a household on electricity brings gas along a quarter of the time: fewer sales than contracts.
    per_sale = 1 + _DUAL_FUEL * PRODUCTS[0].share * (1 - 0.2)
    portfolio_end = window.start - timedelta(days=50)
    sales = _sales(rng, window, [s for s in sellers if s.kind != CALL_CENTRE], add_months(window.start, -26),
                   portfolio_end, round(PORTFOLIO * scale / 1.1), portfolio=True)
    sales += _sales(rng, window, sellers, window.start, window.today,
                    max(1, round(CONTRACTS_PER_YEAR * scale / per_sale)), portfolio=False)
    sales.sort(key=lambda sale: (sale.day, sale.seller.id))
    seller = _Seller(rng, catalogue, customers, ids, window)
    for sale in sales:
        seller.sell(sale)
    return seller.contracts


def _recorded_at(day: date, number: int) -> datetime:
    return datetime.combine(day, time(8 + number % 10, (number * 7) % 60), ROME)


def contract_rows(contracts: list[DemoContract], window: Window, batch_id: int, first_id: int = 1):
    """Yield the ``contract`` rows: every version, ids from ``first_id``, the last version current."""
    row_id = first_id
    for c in contracts:
        days = lifecycle.milestones(c.events, window.today) if c.history else []
        if len(days) < 2:
            days = [c.state.since]
        for version, day in enumerate(days, 1):
            state = lifecycle.state_on(c.events, day)
            volume = None if c.yearly_volume_milli is None else Decimal(c.yearly_volume_milli).scaleb(-3)
            yield (row_id, c.external_id, version, version == len(days), _recorded_at(day, c.number), batch_id,
                   c.customer.id, c.partner_id, c.product, c.offer, c.options, c.supply_point, state.status,
                   state.reason, c.events[0].day, state.activated_on, state.terminated_on, volume)
            row_id += 1
