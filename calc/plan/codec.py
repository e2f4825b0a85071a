"""Plan documents to and from plain dicts (what YAML or JSON hold), with errors that name the path.

Reading is driven by the dataclass fields of ``calc.plan.model``: each field's type says how to read its
value, so a new component field needs no code here. Amounts and rates are read from strings or integers,
never floats, so a plan written as YAML keeps exact decimals (quote them: ``amount: "12.50"``).
"""

import dataclasses
import types
import typing
from datetime import date
from decimal import Decimal
from decimal import InvalidOperation

from calc.plan.model import COMPONENT_KINDS
from calc.plan.model import Condition
from calc.plan.model import Filter
from calc.plan.model import Plan
from calc.plan.model import kind_of


class PlanError(ValueError):
    """A plan document that cannot be read; the message starts with the path of the bad value."""


def read_dataclass(cls, data, path: str):
    """Build dataclass ``cls`` from mapping ``data``, reporting errors at ``path``."""
    if not isinstance(data, dict):
        raise PlanError(f"{path or 'plan'}: expected a mapping, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields) - {"kind"})
    if unknown:
        raise PlanError(f"{_join(path, unknown[0])}: unknown field (expected one of {sorted(fields)})")
    values = {}
    for name, spec in fields.items():
        where = _join(path, name)
        if name in data:
            values[name] = read_value(hints[name], data[name], where)
        elif spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
            raise PlanError(f"{where}: required")
    return cls(**values)


def read_value(hint, value, path: str):  # noqa: C901, PLR0911, PLR0912 - one branch per supported type
    """Read ``value`` as type ``hint``."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if value is None:
            return None
        if len(options) == 1:
            return read_value(options[0], value, path)
        return read_component(value, path)
    if origin is typing.Literal:
        if value not in typing.get_args(hint):
            raise PlanError(f"{path}: {value!r} is not one of {list(typing.get_args(hint))}")
        return value
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise PlanError(f"{path}: expected a list, got {type(value).__name__}")
        item = typing.get_args(hint)[0]
        return tuple(read_value(item, v, f"{path}[{i}]") for i, v in enumerate(value))
    if hint is Decimal:
        return read_decimal(value, path)
    if hint is bool:
        if not isinstance(value, bool):
            raise PlanError(f"{path}: expected true or false")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise PlanError(f"{path}: expected an integer")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise PlanError(f"{path}: expected text")
        return value
    if hint is date:
        return read_date(value, path)
    if hint is Filter:
        return read_filter(value, path)
    if dataclasses.is_dataclass(hint):
        return read_dataclass(hint, value, path)
    raise PlanError(f"{path}: unsupported type {hint!r}")


def read_component(value, path: str):
    """Read one component, choosing its class by ``kind``."""
    if not isinstance(value, dict) or "kind" not in value:
        raise PlanError(f"{path}.kind: required (one of {sorted(COMPONENT_KINDS)})")
    cls = COMPONENT_KINDS.get(value["kind"])
    if cls is None:
        raise PlanError(f"{path}.kind: {value['kind']!r} is not one of {sorted(COMPONENT_KINDS)}")
    return read_dataclass(cls, value, path)


def read_decimal(value, path: str) -> Decimal:
    """Read an exact amount or rate; floats are refused."""
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise PlanError(f"{path}: not an amount (write it as text, e.g. \"12.50\")")
    try:
        result = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        raise PlanError(f"{path}: not an amount") from None
    if not result.is_finite():
        raise PlanError(f"{path}: not an amount")
    return result


def read_date(value, path: str) -> date:
    """Read an ISO date (YAML may already have parsed it)."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise PlanError(f"{path}: not a date (YYYY-MM-DD)") from None


def read_filter(value, path: str) -> Filter:
    """Read ``{field: value-or-list}`` into a Filter."""
    if not isinstance(value, dict):
        raise PlanError(f"{path}: expected a mapping of field to value(s)")
    conditions = []
    for name, allowed in value.items():
        allowed = [allowed] if isinstance(allowed, str) else allowed
        if not isinstance(allowed, list) or not allowed or not all(isinstance(v, str) for v in allowed):
            raise PlanError(f"{path}.{name}: expected a value or a list of values")
        conditions.append(Condition(str(name), tuple(allowed)))
    return Filter(tuple(conditions))


def to_plain(value):
    """Return ``value`` as plain data: dicts, lists, text, integers and booleans."""
    if isinstance(value, Filter):
        return {c.field: list(c.values) for c in value.conditions}
    if dataclasses.is_dataclass(value):
        plain = {}
        if type(value) in COMPONENT_KINDS.values():
            plain["kind"] = kind_of(value)
        for spec in dataclasses.fields(value):
            item = getattr(value, spec.name)
            if item is None or item == spec.default or item == Filter():
                continue
            plain[spec.name] = to_plain(item)
        return plain
    if isinstance(value, tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def plan_to_dict(plan: Plan) -> dict:
    """Return the plan as a plain dict that ``plan_from_dict`` reads back to an equal plan."""
    return to_plain(plan)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
