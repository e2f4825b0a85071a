"""Plain values: what process data may hold — ids and decisions as text, ints, Decimals, booleans, dates, and
lists and dicts of those. Never floats (amounts are Decimal) and never objects (they would not survive the
serializer, and a task's data is not the place for business rows)."""

from datetime import date
from datetime import datetime
from decimal import Decimal

PLAIN = (str, int, bool, Decimal, date, datetime, type(None))


def first_problem(value, where: str) -> str | None:
    """Return what is wrong with the first value in ``value`` (searched depth first) that process data cannot
    hold, saying where it is (``where`` names ``value``; keys follow as ``.key``, items as ``[index]``)."""
    if isinstance(value, float):
        return f"{where} is a float: amounts are Decimal, int or text"
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"{where} has the key {key!r}, which is not text"
            problem = first_problem(item, f"{where}.{key}")
            if problem:
                return problem
        return None
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            problem = first_problem(item, f"{where}[{index}]")
            if problem:
                return problem
        return None
    if not isinstance(value, PLAIN):
        return f"{where} is a {type(value).__name__}: process data holds ids and decisions only"
    return None
