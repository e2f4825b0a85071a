"""Commission lines in the database: bulk writing a run's lines (and their totals per plan component) and
reading earlier lines back as a frame.

PostgreSQL gets the lines through COPY (one round trip for a million lines); SQLite through one executemany.
Amounts cross the boundary as exact text built from integer cents, never as floats.
"""

import io
from datetime import date

import polars as pl
from sqlalchemy import BigInteger
from sqlalchemy import cast
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.run import CommissionLine
from app.models.run import CommissionPeriod
from app.models.run import RunComponentTotal
from app.services.calculation.frames import is_postgres
from app.services.calculation.frames import read_frame
from calc.lineage import LINE_SCHEMA
from calc.money import from_cents

# Frame column -> table column, for the columns whose names differ.
RENAMED = {"plan_id": "plan_code"}
TABLE_COLUMNS = [RENAMED.get(c, c) for c in LINE_SCHEMA if c != "amount_cents"] + ["amount"]


def amount_text(cents: pl.Expr) -> pl.Expr:
    """Return integer cents as exact decimal text (-1234 -> "-12.34")."""
    magnitude = cents.abs()
    sign = pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.format("{}{}.{}", sign, magnitude // 100, (magnitude % 100).cast(pl.String).str.zfill(2))


def table_frame(lines: pl.DataFrame, *extra: str) -> pl.DataFrame:
    """Return engine lines as a line table's columns (``plan_code``, ``amount`` as exact text), with ``extra``
    columns of ``lines`` after them."""
    frame = lines.rename(RENAMED).with_columns(amount_text(pl.col("amount_cents")).alias("amount"))
    return frame.select(*TABLE_COLUMNS, *extra)


def copy_into(session: Session, table: str, frame: pl.DataFrame) -> None:
    """Write ``frame`` (columns named as the table's) into ``table`` by COPY, in the session's transaction."""
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False, null_value="\\N", date_format="%Y-%m-%d")
    driver = session.connection().connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(
        f"COPY {table} ({', '.join(frame.columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    ) as copy:
        copy.write(buffer.getvalue())


def write(session: Session, run_id: int, lines: pl.DataFrame) -> int:
    """Insert ``lines`` of run ``run_id`` in bulk, and their totals per plan component, inside the session's
    transaction; return the count."""
    if lines.is_empty():
        return 0
    write_component_totals(session, run_id, lines)
    # Partner by partner, so that one partner's lines (its statement, an accrual's earlier lines) sit on a few
    # pages instead of one page per line.
    frame = table_frame(lines.sort("partner_id", maintain_order=True)).with_columns(pl.lit(run_id, dtype=pl.Int64).alias("run_id"))
    if is_postgres(session):
        copy_into(session, "commission_line", frame)
    else:
        session.execute(insert(CommissionLine), frame.to_dicts())
    return frame.height


COMPONENT = ("plan_id", "plan_version", "component_id", "component_kind")


def write_component_totals(session: Session, run_id: int, lines: pl.DataFrame) -> None:
    """Store the run's lines summed per plan component (count, total, held), as the period page shows them."""
    held = pl.when(pl.col("status") == "held").then(pl.col("amount_cents")).otherwise(0)
    totals = lines.group_by(COMPONENT).agg(pl.len().alias("lines"), pl.col("amount_cents").sum().alias("total"),
                                           held.sum().alias("held"))
    rows = [{"run_id": run_id, "plan_code": plan, "plan_version": version, "component_id": component,
             "component_kind": kind, "lines": count, "total": from_cents(total), "held": from_cents(on_hold)}
            for plan, version, component, kind, count, total, on_hold in totals.iter_rows()]
    if rows:
        session.execute(insert(RunComponentTotal), rows)


def line_columns(model) -> list:
    """Return the columns of a line table (commission or accrual lines) labelled as the engine's line frame."""
    columns = []
    for name in LINE_SCHEMA:
        if name == "amount_cents":
            columns.append(cast(func.round(model.amount * 100), BigInteger).label("amount_cents"))
        else:
            columns.append(getattr(model, RENAMED.get(name, name)).label(name))
    return columns


def _line_query():
    return select(*line_columns(CommissionLine))


def of_run(session: Session, run_id: int) -> pl.DataFrame:
    """Return the lines of one run as an engine frame."""
    return read_frame(session, _line_query().where(CommissionLine.run_id == run_id), LINE_SCHEMA)


def current_before(period: date):
    """Return the subquery of the current runs' ids of the periods before ``period``."""
    return select(CommissionPeriod.current_run_id).where(
        CommissionPeriod.month < period, CommissionPeriod.current_run_id.is_not(None))


def current_runs_before(session: Session, period: date) -> list[int]:
    """Return the ids of the current runs of the periods before ``period``."""
    return list(session.scalars(current_before(period)))


def before(session: Session, period: date) -> pl.DataFrame:
    """Return the lines of the current runs of every period before ``period`` (clawbacks, holds, advances)."""
    return read_frame(session, _line_query().where(CommissionLine.run_id.in_(current_before(period))), LINE_SCHEMA)


def contracts_waiting(prior: pl.DataFrame) -> list[str]:
    """Return the contracts whose earlier lines are still held (their bills are needed to release them)."""
    if prior.is_empty():
        return []
    held = prior.filter(pl.col("status") == "held", pl.col("contract_ref").is_not_null())
    closed = set(prior.filter(pl.col("original_line_key").is_not_null())["original_line_key"].to_list())
    waiting = held.filter(~pl.col("line_key").is_in(list(closed)))
    return sorted(set(waiting["contract_ref"].to_list()))
