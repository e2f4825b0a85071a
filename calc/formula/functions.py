"""The functions every formula may call: ``DEFAULT_FUNCTIONS``, to which a host can add its own.

Each takes and returns evaluator values (Decimal numbers, text, dates, lists). ``round`` is the money policy's
rounding: cents, half up, unless a number of places is given. ``if_`` is evaluated lazily by the interpreter
(only the chosen branch runs, so ``if_(n == 0, 0, total / n)`` is safe); called directly it is an ordinary
function. Dates have no arithmetic operators: ``add_days``, ``add_months`` and ``days_between`` say what they do.
"""

import calendar
from datetime import date as _date
from datetime import timedelta
from decimal import ROUND_CEILING
from decimal import ROUND_FLOOR
from decimal import ROUND_HALF_UP
from decimal import Decimal
from decimal import InvalidOperation
from types import MappingProxyType

from calc.money import round_cents

from .errors import FormulaError
from .values import MAX_DIGITS
from .values import check_number
from .values import import_number
from .values import is_number
from .values import kind
from .values import number
from .values import whole

MAX_DAYS = 3_660_000
MAX_MONTHS = 120_000


def _items(name: str, values: tuple) -> tuple:
    if len(values) == 1 and isinstance(values[0], tuple | list | frozenset):
        values = tuple(values[0])
    if not values:
        raise FormulaError(f"{name}() of nothing")
    return values


def _same_kind(name: str, values: tuple) -> tuple:
    if all(type(value) is Decimal for value in values):
        return values  # evaluator values are already bounded Decimals: the common, fast case
    if all(is_number(value) for value in values):
        return tuple(number(value, f"{name}() argument") for value in values)
    kinds = {kind(value) for value in values}
    if len(kinds) == 1 and kinds <= {"text", "date"} and len({type(value) for value in values}) == 1:
        return values
    raise FormulaError(f"{name}() needs numbers, texts or dates of one kind, got {', '.join(sorted(kinds))}")


def minimum(*values):
    """Return the smallest of the arguments, or of one list argument."""
    return min(_same_kind("min", _items("min", values)))


def maximum(*values):
    """Return the largest of the arguments, or of one list argument."""
    return max(_same_kind("max", _items("max", values)))


def total(*values) -> Decimal:
    """Return the sum of the numbers given, or of one list argument (zero for an empty list)."""
    if len(values) == 1 and isinstance(values[0], tuple | list | frozenset):
        values = tuple(values[0])
    if not all(type(value) is Decimal for value in values):
        values = tuple(number(value, "sum() argument") for value in values)
    # Bounded Decimals cannot overflow the context on the way, so only the total needs checking.
    return check_number(sum(values, Decimal(0)))


def absolute(value) -> Decimal:
    """Return the absolute value of a number."""
    return check_number(abs(number(value, "abs() argument")))


def round_to(value, places=2) -> Decimal:
    """Round half up to cents, or to ``places`` decimal places (negative: tens, hundreds...)."""
    value = number(value, "round() argument")
    places = whole(places, "round() places", MAX_DIGITS)
    try:
        if places == 2:
            return round_cents(value)
        rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        # round(1250, -2) is 1300, not the 1.3E+3 quantize leaves behind
        return check_number(rounded.quantize(Decimal(1)) if places < 0 else rounded)
    except InvalidOperation as exc:
        raise FormulaError(f"round(): {value} has too many digits for {places} places") from exc


def floor(value) -> Decimal:
    """Return the largest whole number not above ``value``."""
    return number(value, "floor() argument").to_integral_value(rounding=ROUND_FLOOR)


def ceil(value) -> Decimal:
    """Return the smallest whole number not below ``value``."""
    return number(value, "ceil() argument").to_integral_value(rounding=ROUND_CEILING)


def length(value) -> Decimal:
    """Return the number of characters of a text or items of a list, set or mapping."""
    if not isinstance(value, str | tuple | list | frozenset | set | dict):
        raise FormulaError(f"len() needs text or a list, not {kind(value)}")
    return Decimal(len(value))


def if_(condition, then, otherwise):
    """Return ``then`` if ``condition`` is true, else ``otherwise``."""
    return then if condition else otherwise


def coalesce(*values):
    """Return the first argument that is not None (None if all are)."""
    return next((value for value in values if value is not None), None)


def dec(value) -> Decimal:
    """Return text, an int or a number as an exact Decimal (``dec("1.5")``); floats are refused."""
    return import_number(value)


def _as_date(value, what: str) -> _date:
    if not isinstance(value, _date):
        raise FormulaError(f"{what} must be a date, not {kind(value)}")
    return value


def date(year_or_text, month_number=None, day_number=None) -> _date:
    """Return the date ``date(2025, 1, 31)``, or the date of ISO text ``date("2025-01-31")``."""
    try:
        if month_number is None and day_number is None and isinstance(year_or_text, str):
            return _date.fromisoformat(year_or_text)
        return _date(
            whole(year_or_text, "year", 9999),
            whole(month_number, "month", 12),
            whole(day_number, "day", 31),
        )
    except ValueError as exc:
        raise FormulaError(f"not a date: {exc}") from exc


def add_days(value, days):
    """Return the date ``days`` days after ``value`` (before, if negative)."""
    try:
        return _as_date(value, "add_days() date") + timedelta(days=whole(days, "days", MAX_DAYS))
    except OverflowError as exc:
        raise FormulaError("add_days(): date out of range") from exc


def add_months(value, months):
    """Return the date ``months`` months after ``value``, on the month's last day if the day is missing."""
    value = _as_date(value, "add_months() date")
    index = value.year * 12 + value.month - 1 + whole(months, "months", MAX_MONTHS)
    new_year, new_month = divmod(index, 12)
    if not 1 <= new_year <= 9999:
        raise FormulaError("add_months(): date out of range")
    last = calendar.monthrange(new_year, new_month + 1)[1]
    return value.replace(year=new_year, month=new_month + 1, day=min(value.day, last))


def days_between(start, end) -> Decimal:
    """Return the number of days from ``start`` to ``end`` (negative if ``end`` is earlier)."""
    start, end = _as_date(start, "days_between() start"), _as_date(end, "days_between() end")
    return Decimal((_day_of(end) - _day_of(start)).days)


def _day_of(value: _date) -> _date:
    return _date(value.year, value.month, value.day)


def month_end(value) -> _date:
    """Return the last day of the month of ``value``."""
    value = _day_of(_as_date(value, "month_end() date"))
    return value.replace(day=calendar.monthrange(value.year, value.month)[1])


def year(value) -> Decimal:
    """Return the year of a date."""
    return Decimal(_as_date(value, "year() date").year)


def month(value) -> Decimal:
    """Return the month of a date, 1 to 12."""
    return Decimal(_as_date(value, "month() date").month)


def day(value) -> Decimal:
    """Return the day of the month of a date."""
    return Decimal(_as_date(value, "day() date").day)


DEFAULT_FUNCTIONS = MappingProxyType(
    {
        "min": minimum,
        "max": maximum,
        "abs": absolute,
        "round": round_to,
        "floor": floor,
        "ceil": ceil,
        "sum": total,
        "len": length,
        "if_": if_,
        "coalesce": coalesce,
        "dec": dec,
        "date": date,
        "add_days": add_days,
        "add_months": add_months,
        "days_between": days_between,
        "month_end": month_end,
        "year": year,
        "month": month,
        "day": day,
    }
)
