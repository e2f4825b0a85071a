"""Demo targets for the current year: activations and volumes for sellers, jobs for installers and technicians.

Each target is the partner's run rate over the demo window, taken to twelve months and raised or lowered by a
random ambition (0.9 to 1.3), so attainment spreads around 100 %. An agency's targets cover its whole
downline as of today.
"""

import random
from collections import Counter
from collections import defaultdict
from datetime import date
from decimal import Decimal

from app.demo.contracts import DemoContract
from app.demo.network import AGENCY
from app.demo.network import CALL_CENTRE
from app.demo.network import INSTALLER
from app.demo.network import SELLING_KINDS
from app.demo.network import TECHNICIAN
from app.demo.network import Network
from app.demo.periods import Window

TARGET_COLUMNS = ("id", "partner_id", "year", "month", "kpi", "value")
# What a partner with no history yet is asked for in a year.
_STARTER = {"activations": 40, "kwh_billed": 60_000, "smc_billed": 15_000, "jobs": 150}


def _months_active(first: date, window: Window) -> float:
    start = max(first, window.start)
    return max((window.today - start).days / 30.4, 1.0)


def _yearly(rng: random.Random, realized: float, months: float, kpi: str) -> Decimal:
    base = realized * 12 / months if realized else _STARTER[kpi]
    return Decimal(max(round(base * rng.uniform(0.9, 1.3)), 1))


class _Realized:
    """What each partner did in the window, own results only."""

    def __init__(self, contracts: list[DemoContract], volumes: dict[tuple[int, str], int],
                 jobs: Counter, window: Window) -> None:
        self.activations = Counter(c.partner_id for c in contracts
                                   if c.state.activated_on is not None and c.state.activated_on >= window.start)
        self.kwh = {pid: milli / 1000 for (pid, product), milli in volumes.items() if product == "ELE"}
        self.smc = {pid: milli / 1000 for (pid, product), milli in volumes.items() if product == "GAS"}
        self.jobs = jobs

    def of(self, kpi: str, ids: set[int]) -> float:
        source = {"activations": self.activations, "kwh_billed": self.kwh, "smc_billed": self.smc,
                  "jobs": self.jobs}[kpi]
        return sum(source.get(pid, 0) for pid in ids)


def target_rows(rng: random.Random, network: Network, contracts: list[DemoContract],
                volumes: dict[tuple[int, str], int], jobs: Counter, window: Window, first_id: int = 1):
    """Yield the ``target`` rows of the current year (month left empty: yearly targets)."""
    realized = _Realized(contracts, volumes, jobs, window)
    downline: dict[int, set[int]] = defaultdict(set)
    for partner in network.of_kind(*SELLING_KINDS):
        for parent in network.upline_on(partner.id, window.today):
            downline[parent].add(partner.id)
    row_id = first_id
    for partner in network.partners:
        if not partner.active_on(window.today):
            continue
        if partner.kind in (INSTALLER, TECHNICIAN):
            kpis = ("jobs",)
        elif partner.kind in (AGENCY, CALL_CENTRE):
            kpis = ("activations", "kwh_billed", "smc_billed")
        else:
            kpis = ("activations", "kwh_billed")
        team = {partner.id} | downline[partner.id] if partner.kind == AGENCY else {partner.id}
        for kpi in kpis:
            months = _months_active(partner.active_from, window)
            yield (row_id, partner.id, window.today.year, None, kpi, _yearly(rng, realized.of(kpi, team), months, kpi))
            row_id += 1
