"""The life of a demo contract: the dated events from signature on, and its state on any day.

A supply (electricity, gas) is signed, validated by a credit check a few days later, the switch is requested,
and the supply becomes active on the first day of a month (a switch takes effect on the 1st): the month after
the request when it is made by the 15th, else the one after. Some customers withdraw within 14 days, some
switches are rejected, a few contracts are disowned; active supplies later switch out, again on a 1st.

An installation (wall box, PV, heat pump, boiler, air conditioner) is validated, then a service order is
opened; the contract is active from the day the job is completed, cancelled if the job fails.
"""

import math
import random
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta

from app.demo.periods import add_months
from app.demo.periods import at_office_hours

SIGNED = "signed"
VALIDATED = "validated"
SWITCHING = "switching"
ACTIVE = "active"
TERMINATED = "terminated"
CANCELLED = "cancelled"

# Installation jobs by offer: job type and SLA in hours.
INSTALLATIONS = {
    "EMOB": ("wallbox_installation", 120),
    "PV": ("pv_installation", 480),
    "HEAT-HP": ("heat_pump_installation", 240),
    "HEAT-BOILER": ("boiler_installation", 168),
    "COOL": ("air_conditioner_installation", 168),
}
# Monthly chance that an active supply switches out, by segment.
_CHURN = {"residential": 0.011, "business": 0.008}


@dataclass(frozen=True, slots=True)
class Event:
    """The contract reached ``status`` on ``day``."""

    day: date
    status: str
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Job:
    """The installation a contract waits for."""

    job_type: str
    sla_hours: int
    opened_at: datetime
    closed_at: datetime
    outcome: str
    first_time_fix: bool


@dataclass(frozen=True, slots=True)
class State:
    """What a contract looks like on a given day."""

    status: str
    reason: str | None
    activated_on: date | None
    terminated_on: date | None
    since: date


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high))


def _months_until_churn(rng: random.Random, monthly: float) -> int:
    return 1 + int(math.log(1.0 - rng.random()) / math.log(1.0 - monthly))


def _churn(rng: random.Random, active: date, segment: str) -> Event:
    reason = "switch-out" if rng.random() < 0.8 else "supply closed"
    return Event(add_months(active, _months_until_churn(rng, _CHURN[segment])), TERMINATED, reason)


def supply_events(rng: random.Random, signed: date, segment: str) -> list[Event]:
    """Return the planned events of a supply contract signed on ``signed``."""
    validated = signed + _days(rng, 1, 5)
    requested = validated + _days(rng, 1, 4)
    active = add_months(requested, 1 if requested.day <= 15 else 2)
    events = [Event(signed, SIGNED), Event(validated, VALIDATED), Event(requested, SWITCHING)]
    fate = rng.random()
    if fate < 0.04:
        cancel = Event(signed + _days(rng, 1, 14), CANCELLED, "withdrawal")
    elif fate < 0.07:
        cancel = Event(min(requested + _days(rng, 5, 20), active - timedelta(days=1)), CANCELLED, "switch rejected")
    elif fate < 0.08:
        cancel = Event(min(signed + _days(rng, 15, 40), active - timedelta(days=1)), CANCELLED, "disowned")
    else:
        return events + [Event(active, ACTIVE), _churn(rng, active, segment)]
    return [e for e in events if e.day < cancel.day] + [cancel]


def portfolio_events(rng: random.Random, signed: date, segment: str, window_start: date) -> list[Event]:
    """Return the events of a supply sold before the window, active on its first day."""
    validated = signed + _days(rng, 1, 5)
    requested = validated + _days(rng, 1, 4)
    active = min(add_months(requested, 1 if requested.day <= 15 else 2), window_start)
    ended = add_months(window_start, _months_until_churn(rng, _CHURN[segment]))
    reason = "switch-out" if rng.random() < 0.8 else "supply closed"
    return [Event(signed, SIGNED), Event(validated, VALIDATED), Event(requested, SWITCHING),
            Event(active, ACTIVE), Event(ended, TERMINATED, reason)]


def closing_time(rng: random.Random, opened: datetime, hours: float) -> datetime:
    """Return when a job opened at ``opened`` and taking ``hours`` is closed: in office hours, to the minute."""
    closed = (opened + timedelta(hours=hours)).replace(second=0, microsecond=0)
    if not 8 <= closed.hour < 19:
        closed = at_office_hours(rng, closed.date() + timedelta(days=1 if closed.hour >= 19 else 0), 8, 12)
    return max(closed, opened + timedelta(hours=1))


def installation_events(rng: random.Random, signed: date, install_key: str) -> tuple[list[Event], Job | None]:
    """Return the planned events of an installation contract and its job (None when withdrawn first)."""
    validated = signed + _days(rng, 1, 4)
    events = [Event(signed, SIGNED), Event(validated, VALIDATED)]
    if rng.random() < 0.04:
        cancel = Event(signed + _days(rng, 1, 14), CANCELLED, "withdrawal")
        return [e for e in events if e.day < cancel.day] + [cancel], None
    job_type, sla = INSTALLATIONS[install_key]
    opened = at_office_hours(rng, validated + _days(rng, 1, 3))
    first_time_fix = rng.random() < 0.9
    hours = sla * rng.lognormvariate(math.log(0.6), 0.35) * (1.0 if first_time_fix else 1.4)
    closed = closing_time(rng, opened, hours)
    roll = rng.random()
    outcome = "completed" if roll < 0.95 else "failed" if roll < 0.98 else "cancelled"
    job = Job(job_type, sla, opened, closed, outcome, first_time_fix and outcome == "completed")
    if outcome == "completed":
        return events + [Event(closed.date(), ACTIVE)], job
    reason = "installation not feasible" if outcome == "failed" else "disowned"
    return events + [Event(closed.date(), CANCELLED, reason)], job


def state_on(events: list[Event], day: date) -> State:
    """Return the contract's state on ``day``: the last event reached by then."""
    activated = terminated = None
    current = events[0]
    for event in events:
        if event.day > day:
            break
        current = event
        if event.status == ACTIVE:
            activated = event.day
        elif event.status in (TERMINATED, CANCELLED):
            terminated = event.day
    return State(current.status, current.reason, activated, terminated, current.day)


def milestones(events: list[Event], day: date) -> list[date]:
    """Return the days worth a version of their own up to ``day``: signature, activation, the end."""
    reached = [e for e in events if e.day <= day]
    return [e.day for e in reached if e.status in (SIGNED, ACTIVE, TERMINATED, CANCELLED)]
