"""The clock the workflows package reads: one place, always UTC, so tests can move time; and the company's
calendar day of an instant (Italy: Europe/Rome), for the whole application.

The engine itself reads ``datetime.now(timezone.utc)`` inside its timer code and takes no clock argument, so
tests move time for both with ``time_machine.travel``; this module is what the façade compares ``next_timer_at``
against and stamps events with. A test may also install a ``FixedClock`` for code that never reaches the engine.
"""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

# The company's time zone: its calendar days (an invoice's date, an export's posting date, a month) are Rome's.
COMPANY_TIME_ZONE = ZoneInfo("Europe/Rome")


class Clock:
    """The system clock, in UTC."""

    def now(self) -> datetime:
        """Return the current time, timezone-aware, in UTC."""
        return datetime.now(UTC)


class FixedClock(Clock):
    """A clock that only moves when told to."""

    def __init__(self, at: datetime):
        self.at = as_utc(at)

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta) -> datetime:
        """Move the clock forward by ``timedelta(**delta)`` and return the new time."""
        self.at += timedelta(**delta)
        return self.at


_clock: Clock = Clock()


def now() -> datetime:
    """Return the current time from the installed clock."""
    return _clock.now()


def use(clock: Clock) -> Clock:
    """Install ``clock`` and return the one it replaces."""
    global _clock
    previous, _clock = _clock, clock
    return previous


def as_utc(value: datetime | None) -> datetime | None:
    """Return ``value`` in UTC; a naive value (as SQLite gives back) is taken to be UTC already."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def company_day(at: datetime) -> date:
    """Return the company's calendar day of an instant (a naive one is taken to be UTC, as in ``as_utc``)."""
    return as_utc(at).astimezone(COMPANY_TIME_ZONE).date()
