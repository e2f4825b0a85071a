"""The demo's calendar: the twelve-month window ending today, month arithmetic and office hours."""

import random
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

from workflows import clock

ROME = clock.COMPANY_TIME_ZONE


def add_months(day: date, months: int) -> date:
    """Return the first day of the month ``months`` after the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    """Return the last day of the month of ``day``."""
    return add_months(day, 1) - timedelta(days=1)


def months(first: date, last: date) -> list[date]:
    """Return the first days of the months from ``first``'s month to ``last``'s month, both included."""
    result = []
    current = first.replace(day=1)
    while current <= last:
        result.append(current)
        current = add_months(current, 1)
    return result


def at_office_hours(rng: random.Random, day: date, earliest: int = 8, latest: int = 19) -> datetime:
    """Return a moment of ``day`` between the two hours, Italian time."""
    minute = rng.randrange((latest - earliest) * 60)
    return datetime.combine(day, time(earliest + minute // 60, minute % 60), ROME)


@dataclass(frozen=True)
class Window:
    """The demo year: twelve months of sales ending in the current month, billed up to last month."""

    today: date

    @property
    def start(self) -> date:
        """Return the first day of the window (the month eleven months before this one)."""
        return add_months(self.today, -11)

    @property
    def last_billed(self) -> date:
        """Return the first day of the last month with bills issued (the month before this one)."""
        return add_months(self.today, -1)

    def day_between(self, rng: random.Random, first: date, last: date) -> date:
        """Return a working day (Monday to Saturday) between ``first`` and ``last``, both included."""
        span = (last - first).days
        day = first + timedelta(days=rng.randint(0, max(span, 0)))
        if day.weekday() == 6:
            day += timedelta(days=-1 if day > first else 1)
        return min(day, last)

    def month_start_between(self, rng: random.Random, first: date, last: date) -> date | None:
        """Return the first day of a month strictly after ``first`` and not after ``last`` (None if none)."""
        candidates = months(add_months(first, 1), last)
        return rng.choice(candidates) if candidates else None
