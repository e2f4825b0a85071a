"""Money policy: one place that says how amounts are built, rounded and summed.

- An amount is a ``Decimal`` built from a string, an int or another Decimal; a float is refused, because
  ``Decimal(0.1)`` carries binary noise into every cent that follows.
- Lines are rounded to cents once, with ROUND_HALF_UP, at the point where a line's amount is decided.
  Totals are sums of rounded lines, so a statement always equals the sum of what it shows.
- Set-based code works on integer cents (``int``/Int64 columns); ``to_cents`` and ``from_cents`` are the
  only bridges between the two representations.
"""

from decimal import ROUND_HALF_UP
from decimal import Decimal
from decimal import InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ROUNDING = ROUND_HALF_UP


class MoneyError(ValueError):
    """An amount that cannot be money: a float, or text that is not a number."""


def money(value) -> Decimal:
    """Return ``value`` as an exact Decimal, refusing floats."""
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError(f"refusing {type(value).__name__} {value!r}: amounts are Decimal, int or str")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation as exc:
            raise MoneyError(f"not an amount: {value!r}") from exc
    raise MoneyError(f"refusing {type(value).__name__} {value!r}: amounts are Decimal, int or str")


def round_cents(value) -> Decimal:
    """Round to cents, half up: the one rounding rule for every line."""
    return money(value).quantize(CENT, rounding=ROUNDING)


def to_cents(value) -> int:
    """Return the amount as integer cents, rounding half up first."""
    return int(round_cents(value).scaleb(2))


def from_cents(cents: int) -> Decimal:
    """Return integer cents as a Decimal amount with two places."""
    if isinstance(cents, bool | float) or not hasattr(cents, "__index__"):
        raise MoneyError(f"cents must be an integer, got {cents!r}")
    cents = int(cents)  # numpy / polars integers arrive here too; __index__ keeps them exact
    return Decimal(cents).scaleb(-2).quantize(CENT)


def total(amounts) -> Decimal:
    """Sum already-rounded amounts exactly."""
    return sum((money(a) for a in amounts), ZERO)
