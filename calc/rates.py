"""Exact rate arithmetic on integers: how a Decimal rate is applied to integer cents or milli-units.

A rate is an exact Decimal; applied set-based it becomes an integer numerator over a power-of-ten
denominator, and the product is divided with round-half-up (ties away from zero, as Decimal's ROUND_HALF_UP)
in 128-bit integers, so no float ever touches an amount and large volumes cannot overflow.
"""

from decimal import Decimal
from fractions import Fraction

import polars as pl


def ratio(value: Decimal) -> tuple[int, int]:
    """Return ``value`` as (numerator, denominator) with a power-of-ten denominator."""
    sign, digits, exponent = value.as_tuple()
    numerator = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    if exponent >= 0:
        return numerator * 10**exponent, 1
    return numerator, 10**-exponent


def scale_of(values) -> int:
    """Return the smallest power-of-ten denominator that makes every Decimal in ``values`` an integer."""
    return max((ratio(v)[1] for v in values), default=1)


def scaled(value: Decimal, scale: int) -> int:
    """Return ``value × scale`` as an exact integer (``scale`` from ``scale_of``)."""
    numerator, denominator = ratio(value)
    return numerator * (scale // denominator)


def month_index(day: pl.Expr) -> pl.Expr:
    """Return a date column as a month number (year × 12 + month), for month arithmetic without calendars."""
    return day.dt.year().cast(pl.Int32) * 12 + day.dt.month().cast(pl.Int32)


def round_div(numerator: pl.Expr, denominator: int) -> pl.Expr:
    """Divide an integer column by a positive integer, rounding half up (away from zero), as Int64."""
    wide = numerator.cast(pl.Int128)
    half_up = ((wide.abs() * 2 + denominator) // (2 * denominator)).cast(pl.Int64)
    return pl.when(wide < 0).then(-half_up).otherwise(half_up)


def decimal_text(integer: pl.Expr, places: int) -> pl.Expr:
    """Return an integer column of 10^-``places`` units as exact decimal text (e.g. 12345, 3 -> "12.345")."""
    magnitude = integer.abs()
    unit = 10**places
    whole = (magnitude // unit).cast(pl.String)
    text = whole if places == 0 else whole + "." + (magnitude % unit).cast(pl.String).str.zfill(places)
    return pl.when(integer < 0).then("-" + text).otherwise(text)


def round_fraction(value: Fraction) -> int:
    """Round an exact fraction to an integer, half up (away from zero)."""
    magnitude = (abs(value.numerator) * 2 + value.denominator) // (2 * value.denominator)
    return -magnitude if value < 0 else magnitude


def cents(euro: Fraction | Decimal | int) -> int:
    """Return an exact euro amount as integer cents, rounded half up."""
    return round_fraction(Fraction(euro) * 100)


def fraction_text(value: Fraction) -> str:
    """Return an exact fraction as decimal text when finite, else as ``n/d``."""
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    places = max(twos, fives)
    digits = Decimal(value.numerator * 10**places // value.denominator).scaleb(-places)
    return str(digits)
