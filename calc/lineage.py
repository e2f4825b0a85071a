"""Commission lines and their lineage: the one output schema, the stable line key, and Decimal views.

Every line says who earns (``partner_id``), in which statement (``period``), under which plan version and
component, from what (``source_kind`` + ``source_ref``, the stable business reference, and ``source_id``, the
version row used; aggregates list their sources in ``source_ids``), how (``basis`` and ``basis_value``, the
``rate`` or ``tier`` or ``formula`` with its JSON ``inputs``; ``contract_ref`` and ``contract_id``, the
contract version used, on every line that comes from a contract) and how much (``amount_cents``, rounded once,
half up). Clawbacks, overrides, releases, recoveries and deltas point at the line they derive from with
``original_line_key``.

The line key is a readable composite of partner, plan, component, line kind, source and period. It is
deterministic and independent of library versions (polars' hash is not stable across releases), so lines of
two versions of a period can be matched by key.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl

from calc.money import from_cents

LINE_SCHEMA: dict[str, pl.DataType] = {
    "line_key": pl.String,
    "partner_id": pl.Int64,
    "period": pl.Date,
    "plan_id": pl.String,
    "plan_version": pl.Int64,
    "component_id": pl.String,
    "component_kind": pl.String,
    "line_kind": pl.String,
    "event_date": pl.Date,
    "amount_cents": pl.Int64,
    "basis": pl.String,
    "basis_value": pl.String,
    "rate": pl.String,
    "tier": pl.Int64,
    "formula": pl.String,
    "inputs": pl.String,
    "source_kind": pl.String,
    "source_ref": pl.String,
    "source_id": pl.Int64,
    "source_ids": pl.String,
    "contract_ref": pl.String,
    "contract_id": pl.Int64,
    "original_line_key": pl.String,
    "status": pl.String,
    "hold_until": pl.String,
    "label": pl.String,
}

# Lines without these cannot be explained to a partner, so the engine refuses to emit them.
LINEAGE_REQUIRED = ("partner_id", "period", "plan_id", "component_id", "line_kind", "source_kind", "source_ref")


class LineageError(ValueError):
    """A result line that cannot say where it comes from."""


_NO_LINES = pl.DataFrame(schema=LINE_SCHEMA)


def empty_lines() -> pl.DataFrame:
    """Return an empty frame of lines (a copy of one built once: building it takes longer than most steps)."""
    return _NO_LINES.clone()


def from_rows(rows: list[dict]) -> pl.DataFrame:
    """Return line columns from Python rows (for per-partner components, a few rows per partner)."""
    if not rows:
        return empty_lines()
    names = list(dict.fromkeys(name for row in rows for name in row))
    return pl.DataFrame(rows, schema={name: LINE_SCHEMA[name] for name in names}, orient="row")


def key_expr() -> pl.Expr:
    """Return the expression of the stable line key."""
    return pl.concat_str(
        [
            pl.col("partner_id"),
            pl.col("plan_id"),
            pl.col("component_id"),
            pl.col("line_kind"),
            pl.col("source_kind") + pl.lit(":") + pl.col("source_ref"),
            pl.col("period"),
        ],
        separator="|",
    )


_NULLS = {name: pl.lit(None, dtype=dtype).alias(name) for name, dtype in LINE_SCHEMA.items()}


def complete(frame: pl.DataFrame, *, defaults: dict | None = None, computed: dict[str, pl.Expr] | None = None,
             **constants) -> pl.DataFrame:
    """Return ``frame`` with every line column and its key: ``constants`` filled in, ``computed`` columns from
    their expressions, ``defaults`` where a column is missing or null, the rest as given or null."""
    # Two eager steps, not six: an accrual completes a few small frames per event, where each step (and a lazy
    # plan's optimiser) costs more than the rows it touches.
    if frame.height == 0:
        return empty_lines()  # (a select of constants alone would give one row)
    defaults = {"status": "payable", **(defaults or {})}
    computed = computed or {}
    columns = []
    for name, dtype in LINE_SCHEMA.items():
        if name in constants:
            column = pl.lit(constants[name]).cast(dtype)
        elif name in computed:
            column = computed[name].cast(dtype)
        elif name in frame.columns:
            column = pl.col(name).cast(dtype)
        else:
            column = _NULLS[name]
        if name in defaults:
            column = column.fill_null(pl.lit(defaults[name], dtype=dtype))
        columns.append(column.alias(name))
    return frame.select(columns).with_columns(key_expr().alias("line_key"))


def check_lineage(lines: pl.DataFrame) -> pl.DataFrame:
    """Return ``lines`` if every line carries its lineage, else raise LineageError."""
    # Lazy, so that the checks read only the columns they need from a many-part frame.
    counts = lines.lazy().select(
        *(pl.col(column).null_count() for column in LINEAGE_REQUIRED),
        # distinct 64-bit hashes first: far less memory than distinct strings; a collision is re-checked below
        pl.col("line_key").hash().n_unique().alias("_keys"),
    ).collect().row(0, named=True)
    for column in LINEAGE_REQUIRED:
        if counts[column]:
            bad = lines.filter(pl.col(column).is_null()).row(0, named=True)
            raise LineageError(f"line without {column}: {bad}")
    if counts["_keys"] != lines.height:
        duplicated = lines.filter(pl.col("line_key").is_duplicated())
        if duplicated.height:
            raise LineageError(f"two lines share the key {duplicated.item(0, 'line_key')!r}")
    return lines


def validate_lines(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Check an input frame of earlier lines against the line schema."""
    from calc.inputs import InputError

    for column, dtype in LINE_SCHEMA.items():
        if column not in frame.columns:
            raise InputError(f"{name}.{column}: missing column")
        if frame.schema[column] not in (dtype, pl.Null):
            raise InputError(f"{name}.{column}: expected {dtype}, got {frame.schema[column]}")
    return frame.select(pl.col(c).cast(t) for c, t in LINE_SCHEMA.items())


@dataclass(frozen=True)
class CommissionLine:
    """One result line as Python values, its amount an exact Decimal."""

    line_key: str
    partner_id: int
    period: date
    plan_id: str
    plan_version: int
    component_id: str
    line_kind: str
    amount: Decimal
    status: str
    basis: str | None
    basis_value: str | None
    rate: str | None
    tier: int | None
    formula: str | None
    inputs: str | None
    source_kind: str
    source_ref: str
    source_id: int | None
    source_ids: str | None
    original_line_key: str | None
    hold_until: str | None
    label: str | None


def commission_lines(lines: pl.DataFrame) -> Iterator[CommissionLine]:
    """Yield each line with its amount as an exact Decimal (the bridge out of integer cents)."""
    names = [f for f in CommissionLine.__dataclass_fields__ if f != "amount"]
    for row in lines.select(names + ["amount_cents"]).iter_rows(named=True):
        amount = from_cents(row.pop("amount_cents"))
        yield CommissionLine(amount=amount, **row)


def amounts(lines: pl.DataFrame) -> list[Decimal]:
    """Return the lines' amounts as exact Decimals, in order."""
    return [from_cents(c) for c in lines.get_column("amount_cents").to_list()]
