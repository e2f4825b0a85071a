"""Demo billing lines: one bill line a month for every month a supply was active, up to last month.

Volumes follow the customer's yearly consumption and the season (gas mostly in winter). ``amount_billed`` is
the whole line without VAT — energy or gas at the contract's all-in unit price (indexed offers follow a
monthly index) plus the fixed commercial fee (PCV for electricity, QVD for gas), which is also given on its
own in ``fixed_fee_billed``. Bills are issued early in the next month and due 20 days later; prompt payers
pay around the due date, late payers weeks later, bad payers often never. A few lines are re-billed the month
after on an actual meter reading: the estimated line stays as version 1, the corrected one is current.
Money is built from integer cents and volumes from integer milli-units, never from floats.
"""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from decimal import Decimal

from app.demo.catalogue import BUSINESS
from app.demo.contracts import DemoContract
from app.demo.periods import ROME
from app.demo.periods import Window
from app.demo.periods import add_months
from app.demo.periods import month_end
from app.demo.periods import months

BILLING_COLUMNS = ("id", "external_id", "version", "is_current", "recorded_at", "import_batch_id",
                   "contract_external_id", "period_start", "period_end", "volume", "amount_billed",
                   "fixed_fee_billed", "paid", "paid_on")
_ELE_SEASON = (1.15, 1.08, 1.0, 0.9, 0.85, 0.95, 1.15, 1.1, 0.95, 0.9, 0.97, 1.1)
_ELE_SHARE = tuple(f / sum(_ELE_SEASON) for f in _ELE_SEASON)
_GAS_SHARE = (0.2, 0.17, 0.12, 0.06, 0.03, 0.02, 0.02, 0.02, 0.02, 0.05, 0.12, 0.17)
_RE_BILLED = 0.04
# All-in unit price in micro-euro per kWh/Smc, and monthly fixed fee in cents: (low, high) by product and segment.
_UNIT_PRICE = {("ELE", False): (240_000, 290_000), ("ELE", True): (190_000, 240_000),
               ("GAS", False): (1_050_000, 1_300_000), ("GAS", True): (850_000, 1_050_000)}
_FIXED_FEE = {("ELE", False): (900, 1200), ("ELE", True): (1200, 1500),
              ("GAS", False): (800, 1100), ("GAS", True): (1100, 1500)}
_INDEXED = ("ELE-PUN", "ELE-BIZ-PUN", "GAS-PSV")


@dataclass(frozen=True, slots=True)
class _Month:
    """A billed month: its dates, the line reference suffix, consumption shares and the price index."""

    start: date
    end: date
    suffix: str
    bills_from: date
    electricity: float
    gas: float
    gas_business: float
    index: float


def _billed_months(rng: random.Random, window: Window) -> dict[date, _Month]:
    """Return the months with bills, each with a wholesale-price index (PUN/PSV-like) around 1."""
    level, result = 1.0, {}
    for month in months(window.start, window.last_billed):
        level = min(max(level + rng.gauss(0, 0.04), 0.8), 1.25)
        gas = _GAS_SHARE[month.month - 1]
        result[month] = _Month(month, month_end(month), f"{month.year}{month.month:02d}", add_months(month, 1),
                               _ELE_SHARE[month.month - 1], gas, (gas + 1 / 12) / 2, level)
    return result


def _paid_on(rand, payer: str, due: date) -> date | None:
    """Return when the customer pays a bill due on ``due``, None if never (``rand`` is ``rng.random``)."""
    roll = rand()
    if payer == "prompt":
        return None if roll < 0.005 else due + timedelta(days=int(rand() * 18) - 12)
    if payer == "late":
        return None if roll < 0.05 else due + timedelta(days=10 + int(rand() * 51))
    return None if roll < 0.5 else due + timedelta(days=20 + int(rand() * 71))


def _months_billed(contract: DemoContract, window: Window) -> list[date]:
    state = contract.state
    if contract.product not in ("ELE", "GAS") or state.activated_on is None:
        return []
    last = window.last_billed
    if state.terminated_on is not None:
        last = min(last, add_months(state.terminated_on, -1))
    return months(max(state.activated_on, window.start), last)


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


class BillingRun:
    """Generates the billing lines and keeps the volumes billed per partner for the targets."""

    def __init__(self, rng: random.Random, window: Window, batch_id: int, first_id: int = 1) -> None:
        self.rng, self.window, self.batch_id, self.next_id = rng, window, batch_id, first_id
        self.months = _billed_months(rng, window)
        self.volume_by_partner: dict[tuple[int, str], int] = defaultdict(int)  # milli-units of current lines

    def rows(self, contracts: list[DemoContract]):
        """Yield the ``billing_line`` rows of every supply contract."""
        for contract in contracts:
            yield from self._contract_rows(contract)

    def _readings(self, volume: int, issued: date) -> list[tuple[date, int]]:
        """Return (day recorded, volume) of each version of a line: an estimate may be corrected next month."""
        rand = self.rng.random
        if rand() < _RE_BILLED:
            corrected = add_months(issued, 1) + timedelta(days=int(rand() * 9))
            if corrected <= self.window.today:
                return [(issued, round(volume * (0.8 + 0.4 * rand()))), (corrected, volume)]
        return [(issued, volume)]

    def _contract_rows(self, c: DemoContract):
        billed = _months_billed(c, self.window)
        if not billed:
            return
        rng, today, rand = self.rng, self.window.today, self.rng.random
        business = c.customer.segment == BUSINESS
        price = rng.randint(*_UNIT_PRICE[c.product, business])
        fee = rng.randint(*_FIXED_FEE[c.product, business])
        fee_billed = _money(fee)
        indexed = c.offer in _INDEXED
        share = "electricity" if c.product == "ELE" else "gas_business" if business else "gas"
        clock = time(8 + c.number % 10, (c.number * 13) % 60)
        reference = c.external_id
        for start in billed:
            month = self.months[start]
            unit_price = price * month.index if indexed else price
            volume = round(c.yearly_volume_milli * getattr(month, share) * (0.85 + 0.3 * rand()))
            issued = min(month.bills_from + timedelta(days=3 + int(rand() * 9)), today)
            paid_on = _paid_on(rand, c.customer.payer, issued + timedelta(days=20))
            paid = paid_on is not None and paid_on <= today
            readings = self._readings(volume, issued)
            for version, (day, reading) in enumerate(readings, 1):
                amount = round(reading * unit_price / 10_000_000) + fee  # milli-units × micro-euro → cents
                yield (self.next_id, f"{reference}-{month.suffix}", version, version == len(readings),
                       datetime.combine(day, clock, ROME), self.batch_id, reference, month.start, month.end,
                       Decimal(reading).scaleb(-3), _money(amount), fee_billed, paid, paid_on if paid else None)
                self.next_id += 1
            self.volume_by_partner[c.partner_id, c.product] += volume
