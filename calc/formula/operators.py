"""The operators of the formula language, on the evaluator's values, each one bounded.

Arithmetic is Decimal arithmetic: ``//`` and ``%`` truncate toward zero like ``Decimal`` does (``-7 // 2`` is
``-3``), ``**`` takes a whole exponent of at most ``MAX_EXPONENT``. Text and lists join with ``+`` and repeat
with ``*`` only while the result stays within its bound, which is checked before the result is built.
Errors come out without a position; the interpreter adds the operator's column.
"""

import ast
import operator
from datetime import date
from datetime import datetime
from decimal import Decimal
from decimal import DivisionByZero
from decimal import InvalidOperation
from decimal import Overflow

from .errors import FormulaError
from .values import MAX_DIGITS
from .values import MAX_EXPONENT
from .values import check_number
from .values import check_size
from .values import is_number
from .values import kind
from .values import whole


def _arithmetic(symbol: str, left, right, compute) -> Decimal:
    if not (is_number(left) and is_number(right)):
        raise FormulaError(f"cannot use '{symbol}' on {kind(left)} and {kind(right)}")
    try:
        return check_number(compute(left, right))
    except (DivisionByZero, ZeroDivisionError) as exc:
        raise FormulaError("division by zero") from exc
    except Overflow as exc:
        raise FormulaError(f"number too large: more than {MAX_DIGITS} digits") from exc
    except InvalidOperation as exc:
        raise FormulaError(f"'{symbol}' has no exact result here (quotient too large)") from exc


def _dividing(symbol: str, compute):
    def divide(left, right):
        if is_number(right) and not right:
            raise FormulaError("division by zero")
        return _arithmetic(symbol, left, right, compute)

    return divide


def add(left, right):
    """Add numbers, or join two texts, two lists or two tuples."""
    if isinstance(left, str) and isinstance(right, str):
        check_size(len(left) + len(right), "text")
        return left + right
    if isinstance(left, tuple | list) and type(left) is type(right):
        check_size(len(left) + len(right), kind(left))
        return left + right
    return _arithmetic("+", left, right, operator.add)


def subtract(left, right):
    """Subtract numbers."""
    return _arithmetic("-", left, right, operator.sub)


def multiply(left, right):
    """Multiply numbers, or repeat a text, list or tuple a whole number of times."""
    if is_number(left) and is_number(right):
        return _arithmetic("*", left, right, operator.mul)
    sequence, times = (right, left) if is_number(left) else (left, right)
    if not (isinstance(sequence, str | tuple | list) and is_number(times)):
        raise FormulaError(f"cannot use '*' on {kind(left)} and {kind(right)}")
    count = max(whole(times, "repeat count", 10**MAX_DIGITS), 0)
    check_size(len(sequence) * count, kind(sequence))
    return sequence * (count if sequence else 0)


def power(left, right):
    """Raise a number to a whole power; the exponent is checked by ``exponent`` first."""
    if is_number(left) and is_number(right) and not left and right < 0:
        raise FormulaError("division by zero")
    return _arithmetic("**", left, right, operator.pow)


def exponent(value) -> int:
    """Return ``value`` as an exponent ``**`` accepts: whole, at most ``MAX_EXPONENT`` either way."""
    if not is_number(value):
        raise FormulaError(f"exponent must be a number, not {kind(value)}")
    return whole(value, "exponent", MAX_EXPONENT)


def negate(value):
    """Return minus a number."""
    if not is_number(value):
        raise FormulaError(f"cannot use '-' on {kind(value)}")
    return check_number(-value)


def plus(value):
    """Return a number unchanged (rounded to the context like any arithmetic)."""
    if not is_number(value):
        raise FormulaError(f"cannot use '+' on {kind(value)}")
    return check_number(+value)


def logical_not(value) -> bool:
    """Return the negated truth of ``value``."""
    return not value


def _orderable(left, right) -> bool:
    if is_number(left) and is_number(right):
        return True
    if isinstance(left, str) and isinstance(right, str):
        return True
    if isinstance(left, date) and isinstance(right, date):
        # date and datetime do not order against each other in Python either.
        return isinstance(left, datetime) == isinstance(right, datetime)
    return False


def _ordering(symbol: str, compute):
    def compare(left, right) -> bool:
        if not _orderable(left, right):
            raise FormulaError(f"cannot compare {kind(left)} and {kind(right)} with '{symbol}'")
        return compute(left, right)

    return compare


def contains(left, right) -> bool:
    """Return whether ``left`` is an item of ``right`` (or a part of it, for text)."""
    if isinstance(right, str):
        if not isinstance(left, str):
            raise FormulaError(f"cannot look for {kind(left)} in text")
        return left in right
    if not isinstance(right, tuple | list | frozenset | dict):
        raise FormulaError(f"cannot look for anything in {kind(right)}")
    try:
        return left in right
    except TypeError as exc:
        raise FormulaError(f"cannot look for {kind(left)} in {kind(right)}") from exc


def not_contains(left, right) -> bool:
    """Return whether ``left`` is not an item of ``right``."""
    return not contains(left, right)


BINARY = {
    ast.Add: ("+", add),
    ast.Sub: ("-", subtract),
    ast.Mult: ("*", multiply),
    ast.Div: ("/", _dividing("/", operator.truediv)),
    ast.FloorDiv: ("//", _dividing("//", operator.floordiv)),
    ast.Mod: ("%", _dividing("%", operator.mod)),
    ast.Pow: ("**", power),
}

UNARY = {
    ast.USub: ("-", negate),
    ast.UAdd: ("+", plus),
    ast.Not: ("not", logical_not),
}

COMPARE = {
    ast.Eq: ("==", operator.eq),
    ast.NotEq: ("!=", operator.ne),
    ast.Lt: ("<", _ordering("<", operator.lt)),
    ast.LtE: ("<=", _ordering("<=", operator.le)),
    ast.Gt: (">", _ordering(">", operator.gt)),
    ast.GtE: (">=", _ordering(">=", operator.ge)),
    ast.In: ("in", contains),
    ast.NotIn: ("not in", not_contains),
    ast.Is: ("is", operator.is_),
    ast.IsNot: ("is not", operator.is_not),
}

REFUSED = {
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.MatMult: "@",
    ast.Invert: "~",
}
