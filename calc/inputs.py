"""Run inputs: the frames a calculation reads, their exact column schemas, and their validation on entry.

The app's services build these polars frames from the database; the engine checks every frame once, on
entry, and names the frame and column of the first problem it finds. Money is integer cents (Int64), energy
volumes are integer milli-units (kWh or Smc × 1000), dates are ``Date``; floats are refused everywhere.

Source rows keep their history: a row that changes becomes a new version. Each versioned source therefore
carries a stable business reference (``contract_ref``, ``billing_ref``, ``order_ref``) that result lines are
keyed on, and the id of the version row used (``contract_id``, ``billing_line_id``, ``service_order_id``) that
result lines point at for lineage.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date

import polars as pl

Int = pl.Int64
Text = pl.String
Day = pl.Date
Flag = pl.Boolean

PARTNER_KINDS = ("agency", "agent", "sub_agent", "call_centre", "installer", "technician")
PRODUCTS = ("electricity", "gas", "emobility", "pv", "heating", "cooling")
CONTRACT_STATUSES = ("signed", "validated", "switching", "active", "terminated", "cancelled")
ORDER_OUTCOMES = ("completed", "failed", "cancelled")

SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    # One row per partner. ``groups`` lists the partner groups a plan can be assigned to.
    "partners": {"partner_id": Int, "kind": Text, "territory": Text, "groups": pl.List(Text)},
    # Effective-dated parent links; ``valid_to`` is exclusive, null means open-ended.
    "hierarchy": {"partner_id": Int, "parent_id": Int, "valid_from": Day, "valid_to": Day},
    # The current version of each contract (one row per contract_ref). ``partner_id`` is the seller.
    # ``terminated_on`` is the day the supply ended or the contract was cancelled.
    "contracts": {
        "contract_id": Int,
        "contract_ref": Text,
        "partner_id": Int,
        "product": Text,
        "offer": Text,
        "options": Text,
        "category": Text,
        "segment": Text,
        "territory": Text,
        "status": Text,
        "status_reason": Text,
        "signed_on": Day,
        "activated_on": Day,
        "terminated_on": Day,
        "yearly_volume_milli": Int,
    },
    # Billing lines: those of the run's month (``period`` = its first day) are commissioned; earlier lines may
    # be included for payment holds (a bill counts as paid when ``paid`` and ``paid_on`` is before the month's end).
    "billing_lines": {
        "billing_line_id": Int,
        "billing_ref": Text,
        "contract_ref": Text,
        "period": Day,
        "volume_milli": Int,
        "amount_cents": Int,
        "fixed_fee_cents": Int,
        "paid": Flag,
        "paid_on": Day,
    },
    # Installation and service jobs done by installers and technicians. ``completed_at`` is when the job was
    # closed, whatever its outcome (a failed job is dated by it too); jobs are counted in the month it falls in.
    "service_orders": {
        "service_order_id": Int,
        "order_ref": Text,
        "partner_id": Int,
        "job_type": Text,
        "opened_at": pl.Datetime("us"),
        "completed_at": pl.Datetime("us"),
        "sla_hours": Int,
        "outcome": Text,
        "first_time_fix": Flag,
        "rating": Int,
    },
    # Per-partner targets of the period; ``target`` is a decimal text in the KPI's unit (e.g. "120", "35000.5").
    "targets": {"partner_id": Int, "kpi": Text, "target": Text},
    # Which plan version applies to whom and when: either ``partner_id`` or ``group`` is set.
    "assignments": {
        "plan_id": Text,
        "plan_version": Int,
        "partner_id": Int,
        "group": Text,
        "valid_from": Day,
        "valid_to": Day,
    },
}

# Columns that may hold nulls; every other column must be complete.
NULLABLE: dict[str, set[str]] = {
    "partners": {"territory"},
    "hierarchy": {"valid_to"},
    "contracts": {"offer", "options", "category", "status_reason", "activated_on", "terminated_on", "signed_on"},
    "billing_lines": {"paid_on"},
    "service_orders": {"completed_at", "first_time_fix", "rating"},
    "targets": set(),
    "assignments": {"partner_id", "group", "valid_to"},
}

# Columns whose values must come from a closed list.
VOCABULARIES: dict[tuple[str, str], tuple[str, ...]] = {
    ("partners", "kind"): PARTNER_KINDS,
    ("contracts", "product"): PRODUCTS,
    ("contracts", "status"): CONTRACT_STATUSES,
    ("service_orders", "outcome"): ORDER_OUTCOMES,
}

_WIDENABLE = {pl.Int8, pl.Int16, pl.Int32, pl.UInt8, pl.UInt16, pl.UInt32}


class InputError(ValueError):
    """An input frame that does not match its documented schema."""


def empty(name: str) -> pl.DataFrame:
    """Return an empty frame with the schema of input ``name`` (a copy of one built once)."""
    if name not in _EMPTY:
        _EMPTY[name] = pl.DataFrame(schema=SCHEMAS[name])
    return _EMPTY[name].clone()


_EMPTY: dict[str, pl.DataFrame] = {}


def validate(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Check ``frame`` against the schema of input ``name`` and return it with exactly those columns."""
    if not isinstance(frame, pl.DataFrame):
        raise InputError(f"{name}: expected a polars DataFrame, got {type(frame).__name__}")
    schema = SCHEMAS[name]
    columns = []
    for column, dtype in schema.items():
        if column not in frame.columns:
            raise InputError(f"{name}.{column}: missing column")
        columns.append(_conform(name, column, frame.get_column(column), dtype))
    result = pl.DataFrame(columns)
    _check_nulls(name, result)
    _check_vocabularies(name, result)
    return result


def _conform(name: str, column: str, series: pl.Series, dtype: pl.DataType) -> pl.Series:
    actual = series.dtype
    if actual == dtype:
        return series
    if actual == pl.Null:
        return series.cast(dtype)
    if dtype == Int and actual in _WIDENABLE:
        return series.cast(Int)
    if isinstance(dtype, pl.Datetime) and isinstance(actual, pl.Datetime) and actual.time_zone is None:
        return series.cast(dtype)
    hint = " (floats are refused: use integer cents / milli-units)" if actual.is_float() else ""
    raise InputError(f"{name}.{column}: expected {dtype}, got {actual}{hint}")


def _check_nulls(name: str, frame: pl.DataFrame) -> None:
    allowed = NULLABLE.get(name, set())
    for column in frame.columns:
        if column not in allowed and frame.get_column(column).null_count():
            raise InputError(f"{name}.{column}: null values are not allowed")


def _check_vocabularies(name: str, frame: pl.DataFrame) -> None:
    for (frame_name, column), words in VOCABULARIES.items():
        if frame_name != name:
            continue
        unknown = sorted(set(frame.get_column(column).drop_nulls().unique().to_list()) - set(words))
        if unknown:
            raise InputError(f"{name}.{column}: unknown value(s) {unknown}; expected one of {list(words)}")


@dataclass(frozen=True)
class RunInputs:
    """The source frames of one run; missing frames are empty."""

    partners: pl.DataFrame = field(default_factory=lambda: empty("partners"))
    hierarchy: pl.DataFrame = field(default_factory=lambda: empty("hierarchy"))
    contracts: pl.DataFrame = field(default_factory=lambda: empty("contracts"))
    billing_lines: pl.DataFrame = field(default_factory=lambda: empty("billing_lines"))
    service_orders: pl.DataFrame = field(default_factory=lambda: empty("service_orders"))
    targets: pl.DataFrame = field(default_factory=lambda: empty("targets"))
    assignments: pl.DataFrame = field(default_factory=lambda: empty("assignments"))

    def validated(self) -> "RunInputs":
        """Return a copy whose frames have been checked and conformed to their schemas."""
        return RunInputs(**{name: validate(name, getattr(self, name)) for name in SCHEMAS})


def first_of_month(day: date) -> date:
    """Return the first day of the month of ``day``."""
    return day.replace(day=1)


def months_before(day: date, count: int) -> date:
    """Return the first day of the month ``count`` months before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def period_from_text(text: str) -> date:
    """Return the first day of the period written ``YYYY-MM``; raise ValueError for anything else."""
    year, month = text.split("-")
    return date(int(year), int(month), 1)


def next_month(day: date) -> date:
    """Return the first day of the month after ``day``."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)
