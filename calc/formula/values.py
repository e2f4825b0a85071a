"""Values a formula works on: what a host may pass in, and the bounds every value stays within.

Inside the evaluator a number is always a ``Decimal`` (ints are converted on the way in, floats refused by the
money policy), text is ``str``, and the other kinds are ``bool``, ``None``, ``date``/``datetime``, ``tuple``,
``list``, ``frozenset`` and ``dict`` of those. Arithmetic runs in ``DECIMAL_CONTEXT`` whatever the calling
thread has set, so the same formula gives the same amount in a web request and in a worker.
"""

import operator
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_EVEN
from decimal import Context
from decimal import Decimal
from decimal import DivisionByZero
from decimal import InvalidOperation
from decimal import Overflow

from calc.money import MoneyError
from calc.money import money

from .errors import FormulaError

MAX_SOURCE_CHARS = 10_000
MAX_NODES = 5_000
MAX_DEPTH = 100
MAX_DIGITS = 60
MAX_STRING = 10_000
MAX_ITEMS = 10_000
MAX_EXPONENT = 100
MAX_VALUE_DEPTH = 20

# Python's default context (28 digits, half-even between steps), pinned, with every lossy-by-surprise signal
# trapped: rounding to cents is the formula's explicit round(), never the context's.
DECIMAL_CONTEXT = Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[InvalidOperation, DivisionByZero, Overflow],
)

_KINDS = {
    bool: "boolean",
    Decimal: "number",
    str: "text",
    tuple: "tuple",
    list: "list",
    frozenset: "set",
    dict: "mapping",
    type(None): "None",
}


def kind(value) -> str:
    """Return the word the error messages use for the type of ``value``."""
    if isinstance(value, date):
        return "date"
    return _KINDS.get(type(value), type(value).__name__)


def is_number(value) -> bool:
    """Return whether ``value`` is a number (a bool is not, whatever Python thinks)."""
    return isinstance(value, Decimal | int) and not isinstance(value, bool)


def check_number(value: Decimal) -> Decimal:
    """Return ``value`` if it is finite and has at most ``MAX_DIGITS`` digits."""
    if not value.is_finite():
        raise FormulaError(f"not a finite number: {value}")
    if len(value.as_tuple().digits) > MAX_DIGITS or (value and value.adjusted() >= MAX_DIGITS):
        raise FormulaError(f"number too large: more than {MAX_DIGITS} digits")
    return value


def check_text(value: str) -> str:
    """Return ``value`` if it is at most ``MAX_STRING`` characters long."""
    if len(value) > MAX_STRING:
        raise FormulaError(f"text longer than {MAX_STRING} characters")
    return value


def check_size(count: int, what: str) -> None:
    """Refuse a ``what`` that would be longer than its bound, before it is built."""
    limit = MAX_STRING if what == "text" else MAX_ITEMS
    if count > limit:
        unit = "characters" if what == "text" else "items"
        raise FormulaError(f"{what} longer than {limit} {unit}")


def number(value, what: str) -> Decimal:
    """Return ``value`` as a bounded Decimal, or refuse it naming ``what`` it was for."""
    if not is_number(value):
        raise FormulaError(f"{what} must be a number, not {kind(value)}")
    if isinstance(value, int) and value.bit_length() > 4 * MAX_DIGITS:
        raise FormulaError(f"number too large: more than {MAX_DIGITS} digits")
    return check_number(money(value))


def whole(value, what: str, limit: int) -> int:
    """Return ``value`` as an int between ``-limit`` and ``limit``, refusing fractions."""
    value = number(value, what)
    if value != value.to_integral_value() or abs(value) > limit:
        raise FormulaError(f"{what} must be a whole number between {-limit} and {limit}, not {value}")
    return int(value)


def import_value(value, depth: int = 0):
    """Return a host value in the evaluator's own types, refusing floats and anything unknown or too big."""
    if value is None or isinstance(value, bool | date):
        return value
    if isinstance(value, float):
        raise FormulaError(f"refusing float {value!r}: amounts are Decimal, int or str (money policy)")
    if isinstance(value, Decimal):
        return check_number(Decimal(value))
    if isinstance(value, int) or hasattr(type(value), "__index__"):
        return number(operator.index(value), "value")
    if isinstance(value, str):
        return check_text(str.__str__(value))
    if depth >= MAX_VALUE_DEPTH:
        raise FormulaError(f"value nested deeper than {MAX_VALUE_DEPTH} levels")
    return _import_collection(value, depth + 1)


def _import_collection(value, depth: int):
    if isinstance(value, tuple | list | set | frozenset | Mapping):
        check_size(len(value), kind(value) if isinstance(value, tuple | list) else "collection")
    if isinstance(value, tuple):
        return tuple(import_value(item, depth) for item in value)
    if isinstance(value, list):
        return [import_value(item, depth) for item in value]
    if isinstance(value, set | frozenset):
        return frozenset(import_value(item, depth) for item in value)
    if isinstance(value, Mapping):
        return {import_key(key): import_value(item, depth) for key, item in value.items()}
    raise FormulaError(f"unsupported value of type {type(value).__name__}")


def import_key(key):
    """Return a mapping key a formula can look up: text, a number, a date, a boolean or None."""
    if isinstance(key, str | date | bool) or key is None:
        return key
    if is_number(key):
        return number(key, "key")
    raise FormulaError(f"unsupported mapping key of type {type(key).__name__}")


def import_number(value) -> Decimal:
    """Return text, an int or a Decimal as a bounded Decimal, refusing floats (the formula's ``dec``)."""
    if isinstance(value, str) and len(value) > 2 * MAX_DIGITS:
        raise FormulaError(f"number too large: more than {MAX_DIGITS} digits")
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise FormulaError(f"cannot make a number from {kind(value)}")
    try:
        return number(money(value), "value")
    except MoneyError as exc:
        raise FormulaError(str(exc)) from exc
