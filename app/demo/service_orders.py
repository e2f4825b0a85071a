"""Demo service orders: installations for the contracts that need one, and technicians' maintenance and repairs.

Installation jobs come from the contracts' lifecycle (:mod:`app.demo.lifecycle`) and go to an installer of the
customer's region; technicians get maintenance, inspection and repair jobs, linked to an installed contract
when one exists. Each job has an SLA in hours; about one in ten is closed late. Jobs still running today are
``open`` with no completion time. A quarter of the closed jobs keep their history: version 1 open, version 2
closed.
"""

import bisect
import math
import random
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

from app.demo.contracts import DemoContract
from app.demo.lifecycle import Job
from app.demo.lifecycle import closing_time
from app.demo.network import INSTALLER
from app.demo.network import TECHNICIAN
from app.demo.network import DemoPartner
from app.demo.network import Network
from app.demo.periods import ROME
from app.demo.periods import Window
from app.demo.periods import at_office_hours

ORDER_COLUMNS = ("id", "external_id", "version", "is_current", "recorded_at", "import_batch_id", "partner_id",
                 "contract_external_id", "job_type", "opened_at", "completed_at", "sla_hours", "outcome",
                 "first_time_fix", "rating")
JOBS_PER_TECHNICIAN = 300  # a year
# Technicians' jobs: type, SLA hours, share, products of the contract it may concern.
SERVICE_JOBS = (
    ("boiler_maintenance", 72, 0.30, ("HEAT",)),
    ("heat_pump_maintenance", 72, 0.15, ("HEAT",)),
    ("air_conditioner_maintenance", 72, 0.15, ("COOL",)),
    ("pv_inspection", 120, 0.10, ("PV",)),
    ("repair", 24, 0.30, ("HEAT", "COOL", "PV", "EMOB")),
)
_HISTORY = 0.25
_GOOD_RATINGS = (0.02, 0.03, 0.10, 0.35, 0.50)
_POOR_RATINGS = (0.10, 0.15, 0.30, 0.30, 0.15)


@dataclass(slots=True)
class _Order:
    partner_id: int
    contract_external_id: str | None
    job: Job


def _rating(rng: random.Random, job: Job) -> int | None:
    """Return the customer's 1-5 rating of a closed job, None when the customer gave none."""
    if job.outcome == "cancelled" or rng.random() < 0.35:
        return None
    if job.outcome == "failed":
        return rng.choice((1, 1, 2))
    on_time = job.closed_at - job.opened_at <= timedelta(hours=job.sla_hours)
    weights = _GOOD_RATINGS if on_time and job.first_time_fix else _POOR_RATINGS
    return rng.choices((1, 2, 3, 4, 5), weights)[0]


class _Installed:
    """Installation contracts by product and region, in order of activation, to link service jobs to."""

    def __init__(self, contracts: list[DemoContract]) -> None:
        self._days: dict[tuple[str, str], list[date]] = {}
        self._refs: dict[tuple[str, str], list[str]] = {}
        done = sorted((c.state.activated_on, c.product, c.customer.territory, c.external_id)
                      for c in contracts if c.job is not None and c.state.activated_on is not None)
        for day, product, region, ref in done:
            self._days.setdefault((product, region), []).append(day)
            self._refs.setdefault((product, region), []).append(ref)

    def pick(self, rng: random.Random, products: tuple[str, ...], region: str, day: date) -> str | None:
        """Return a contract of ``products`` in ``region`` installed before ``day``, or None."""
        product = rng.choice(products)
        count = bisect.bisect_left(self._days.get((product, region), []), day)
        return self._refs[product, region][rng.randrange(count)] if count else None


class ServiceDesk:
    """Plans every service order and yields their rows in the order they were opened."""

    def __init__(self, rng: random.Random, network: Network, window: Window, batch_id: int,
                 first_id: int = 1) -> None:
        self.rng, self.window, self.batch_id, self.first_id = rng, window, batch_id, first_id
        self.installers = network.of_kind(INSTALLER)
        self.technicians = network.of_kind(TECHNICIAN)
        self.cut_off = datetime.combine(window.today + timedelta(days=1), time(0), ROME)
        self.orders: list[_Order] = []

    def _installer_for(self, region: str) -> DemoPartner:
        local = [p for p in self.installers if p.territory == region] or self.installers
        return self.rng.choices(local, [p.weight for p in local])[0]

    def plan(self, contracts: list[DemoContract]) -> None:
        """Plan the installation jobs of ``contracts`` and the technicians' jobs of the year."""
        for c in contracts:
            if c.job is not None and c.job.opened_at < self.cut_off:
                installer = self._installer_for(c.customer.territory)
                self.orders.append(_Order(installer.id, c.external_id, c.job))
        installed = _Installed(contracts)
        for technician in self.technicians:
            self._plan_technician(technician, installed)
        self.orders.sort(key=lambda order: (order.job.opened_at, order.partner_id))

    def _plan_technician(self, technician: DemoPartner, installed: _Installed) -> None:
        rng, window = self.rng, self.window
        first = max(window.start, technician.active_from)
        days = (window.today - first).days + 1
        expected = JOBS_PER_TECHNICIAN * technician.weight * days / 365
        shares = [job[2] for job in SERVICE_JOBS]
        for _ in range(int(expected) + (rng.random() < expected % 1)):
            job_type, sla, _share, products = rng.choices(SERVICE_JOBS, shares)[0]
            opened = at_office_hours(rng, window.day_between(rng, first, window.today))
            first_time_fix = rng.random() < (0.8 if job_type == "repair" else 0.95)
            hours = sla * rng.lognormvariate(math.log(0.55), 0.4) * (1.0 if first_time_fix else 1.6)
            roll = rng.random()
            outcome = "completed" if roll < 0.93 else "failed" if roll < 0.97 else "cancelled"
            closed = closing_time(rng, opened, hours)
            job = Job(job_type, sla, opened, closed, outcome, first_time_fix and outcome == "completed")
            ref = installed.pick(rng, products, technician.territory, opened.date())
            self.orders.append(_Order(technician.id, ref, job))

    def rows(self):
        """Yield the ``service_order`` rows: every version, ids from ``first_id``."""
        row_id = self.first_id
        for number, order in enumerate(self.orders, 1):
            job, rng = order.job, self.rng
            reference = f"ODL{number:08d}"
            fixed = (self.batch_id, order.partner_id, order.contract_external_id, job.job_type, job.opened_at)
            still_open = (None, job.sla_hours, "open", True, None)
            if job.closed_at >= self.cut_off:
                yield (row_id, reference, 1, True, job.opened_at) + fixed + still_open
                row_id += 1
                continue
            closed = (job.closed_at, job.sla_hours, job.outcome, job.first_time_fix, _rating(rng, job))
            version = 1
            if rng.random() < _HISTORY:
                yield (row_id, reference, 1, False, job.opened_at) + fixed + still_open
                row_id += 1
                version = 2
            yield (row_id, reference, version, True, job.closed_at) + fixed + closed
            row_id += 1
