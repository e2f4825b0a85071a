"""Input checks shared by the tax API: amounts in cents, years, dates and month counts."""

from datetime import date
from decimal import Decimal

from calc.money import money
from calc.money import round_cents
from calc.tax.errors import TaxError
from calc.tax.profile import TaxProfile


def cents(value, field: str) -> Decimal:
    """Return ``value`` as money, refusing floats and amounts finer than a cent."""
    amount = money(value)
    if not amount.is_finite():
        raise TaxError(f"{field}: not a finite amount: {value!r}")
    if round_cents(amount) != amount:
        raise TaxError(f"{field}: amounts are in cents, got {amount}")
    return amount


def year_of(value, field: str) -> int:
    """Return the calendar year of a date, or an int year as given."""
    if isinstance(value, date):
        return value.year
    return checked_year(value, field)


def checked_year(value, field: str = "year") -> int:
    """Return ``value`` if it is an int year."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TaxError(f"{field}: expected an int year, got {value!r}")
    return value


def checked_date(value, field: str) -> date:
    """Return ``value`` if it is a date."""
    if not isinstance(value, date):
        raise TaxError(f"{field}: expected a date, got {value!r}")
    return value


def checked_months(value, field: str = "months_active") -> int:
    """Return a month count between 1 and 12."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 12:
        raise TaxError(f"{field}: expected an int from 1 to 12, got {value!r}")
    return value


def checked_profile(value) -> TaxProfile:
    """Return ``value`` if it is a TaxProfile."""
    if not isinstance(value, TaxProfile):
        raise TaxError(f"profile: expected a TaxProfile, got {type(value).__name__}")
    return value
