"""Component filters and rate-table conditions as polars expressions over transaction frames."""

import polars as pl

from calc.plan.model import Condition
from calc.plan.model import Filter


class FilterError(ValueError):
    """A filter naming a field the transactions it is applied to do not have."""


def condition_expr(condition: Condition, columns) -> pl.Expr:
    """Return the expression that is true where ``condition`` holds."""
    if condition.field == "option":
        pattern = "|".join(f"(^|,){_escape(v)}(,|$)" for v in condition.values)
        return pl.col("options").fill_null("").str.contains(pattern)
    if condition.field not in columns:
        raise FilterError(f"filter field {condition.field!r} does not apply to these transactions")
    return pl.col(condition.field).is_in(list(condition.values)).fill_null(False)


def filter_expr(filter_: Filter, columns) -> pl.Expr:
    """Return the expression that is true where every condition of ``filter_`` holds."""
    expr = pl.lit(True)
    for condition in filter_.conditions:
        expr = expr & condition_expr(condition, columns)
    return expr


def apply(frame, filter_: Filter):
    """Return the rows of ``frame`` (a DataFrame or LazyFrame) that ``filter_`` selects."""
    if not filter_.conditions:
        return frame
    return frame.filter(filter_expr(filter_, frame.collect_schema().names()))


def first_match(rows, columns) -> pl.Expr:
    """Return the index of the first rate-table row whose ``when`` matches (null when none does)."""
    index = pl.lit(None, dtype=pl.Int64)
    for position in reversed(range(len(rows))):
        index = pl.when(filter_expr(rows[position].when, columns)).then(pl.lit(position, dtype=pl.Int64)).otherwise(index)
    return index


def _escape(text: str) -> str:
    return "".join("\\" + ch if not ch.isalnum() and ch != "_" else ch for ch in text)
