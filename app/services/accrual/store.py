"""Accrual lines and balances in the database: replace a unit's lines by their difference, keep balances.

A unit's new lines are compared with its stored ones column by column: only the lines that changed are
deleted and inserted (an event usually changes a handful of a seller's thousand lines). A balance is the sum
of a partner's lines per plan component; an update adds the difference of the changed lines to it, so it
never re-sums; ``refresh_balances`` sums them from scratch after a rebuild.

Lines go in by COPY on PostgreSQL and one executemany on SQLite, amounts as exact text from integer cents.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime

import polars as pl
from sqlalchemy import BigInteger
from sqlalchemy import bindparam
from sqlalchemy import case
from sqlalchemy import cast
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import literal
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.models import AccrualLine
from app.models import AccruedBalance
from app.services.calculation.frames import is_postgres
from app.services.calculation.frames import read_frame
from app.services.calculation.inputs import frame_of
from app.services.calculation.lines import TABLE_COLUMNS as LINE_TABLE_COLUMNS
from app.services.calculation.lines import copy_into
from app.services.calculation.lines import line_columns
from app.services.calculation.lines import table_frame
from calc.lineage import LINE_SCHEMA
from calc.money import from_cents

UNIT_COLUMNS = ("unit_stage", "unit_partner_id")
TABLE_COLUMNS = [*LINE_TABLE_COLUMNS, *UNIT_COLUMNS]
UNIT_SCHEMA = {**LINE_SCHEMA, "unit_stage": pl.String, "unit_partner_id": pl.Int64}
STORED_SCHEMA = {"id": pl.Int64, **UNIT_SCHEMA}
BALANCE_KEY = ("partner_id", "plan_id", "component_id")
# What a balance reads of a changed line.
BALANCE_SCHEMA = {"partner_id": pl.Int64, "plan_id": pl.String, "component_id": pl.String,
                  "amount_cents": pl.Int64, "status": pl.String}


def _balance_columns() -> list:
    return [AccrualLine.partner_id, AccrualLine.plan_code, AccrualLine.component_id,
            cast(func.round(AccrualLine.amount * 100), BigInteger), AccrualLine.status]


def empty_change_frame() -> pl.DataFrame:
    """Return a frame of no changed lines."""
    return pl.DataFrame(schema=BALANCE_SCHEMA)


@dataclass(frozen=True)
class Change:
    """The lines an update took away and the ones it added (at least the columns a balance reads)."""

    removed: pl.DataFrame
    added: pl.DataFrame

    @property
    def partners(self) -> set[int]:
        """Return the partners whose lines changed."""
        return set(self.removed.get_column("partner_id").to_list()) | set(self.added.get_column("partner_id").to_list())


def write(session: Session, lines: pl.DataFrame) -> int:
    """Insert accrual lines that carry their unit columns; return the count."""
    if lines.is_empty():
        return 0
    frame = table_frame(lines, *UNIT_COLUMNS)
    if is_postgres(session) and frame.height > 50:
        copy_into(session, "accrual_line", frame)
    else:
        session.execute(insert(AccrualLine), frame.to_dicts())
    return frame.height


def stored_units(session: Session, period: date, stage: str, partner_ids: Iterable[int]) -> pl.DataFrame:
    """Return the stored lines of the units of ``partner_ids`` at ``stage``, with their ids and unit columns."""
    query = select(AccrualLine.id.label("id"), *line_columns(AccrualLine), AccrualLine.unit_stage,
                   AccrualLine.unit_partner_id).where(
        AccrualLine.period == period, AccrualLine.unit_stage == stage,
        AccrualLine.unit_partner_id.in_(list(partner_ids)))
    return frame_of(session.execute(query).all(), STORED_SCHEMA)


def replace_units(session: Session, period: date, stage: str, partner_ids: set[int], lines: pl.DataFrame) -> Change:
    """Make the stored lines of the units of ``partner_ids`` at ``stage`` equal to ``lines`` (carrying their
    unit columns), deleting and inserting only the lines that differ; return what changed."""
    new = lines.select(pl.col(name).cast(dtype) for name, dtype in UNIT_SCHEMA.items())
    if new.is_empty():
        removed = session.execute(delete(AccrualLine).where(
            AccrualLine.period == period, AccrualLine.unit_stage == stage,
            AccrualLine.unit_partner_id.in_(list(partner_ids))).returning(*_balance_columns())).all()
        return Change(pl.DataFrame(removed, schema=BALANCE_SCHEMA, orient="row"), empty_change_frame())
    if is_postgres(session):
        return _replace_in_postgres(session, period, stage, partner_ids, new)
    old = stored_units(session, period, stage, partner_ids)
    compared = list(UNIT_SCHEMA)
    removed = old.join(new, on=compared, how="anti", nulls_equal=True)
    added = new.join(old.select(compared), on=compared, how="anti", nulls_equal=True)
    if removed.height:
        ids = removed.get_column("id").to_list()
        session.execute(delete(AccrualLine).where(AccrualLine.id.in_(ids)))
    write(session, added)
    return Change(removed.drop("id"), added)


# PostgreSQL compares in the database: the unit's new lines go to a temporary table by COPY, and two statements
# delete the stored lines that differ and insert the new ones that are missing, returning only those.
_INCOMING = "accrual_incoming"
_SAME_ROW = "ROW({}) IS NOT DISTINCT FROM ROW({})".format(
    ", ".join(f"a.{c}" for c in TABLE_COLUMNS), ", ".join(f"i.{c}" for c in TABLE_COLUMNS))
_RETURNED = "partner_id, plan_code, component_id, CAST(round(amount * 100) AS BIGINT), status"
_DELETE_CHANGED = text(f"""
    DELETE FROM accrual_line WHERE id IN (
        SELECT a.id FROM accrual_line a LEFT JOIN {_INCOMING} i ON i.line_key = a.line_key
        WHERE a.period = :period AND a.unit_stage = :stage AND a.unit_partner_id = ANY(:units)
          AND (i.line_key IS NULL OR NOT {_SAME_ROW}))
    RETURNING {_RETURNED}""")
_INSERT_MISSING = text(f"""
    INSERT INTO accrual_line ({", ".join(TABLE_COLUMNS)})
    SELECT {", ".join(f"i.{c}" for c in TABLE_COLUMNS)} FROM {_INCOMING} i LEFT JOIN (
        SELECT a.line_key FROM accrual_line a
        WHERE a.period = :period AND a.unit_stage = :stage AND a.unit_partner_id = ANY(:units)) kept
      ON kept.line_key = i.line_key
    WHERE kept.line_key IS NULL
    RETURNING {_RETURNED}""")


def _replace_in_postgres(session: Session, period: date, stage: str, partner_ids: set[int],
                         new: pl.DataFrame) -> Change:
    connection = session.connection()
    with connection.connection.driver_connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_INCOMING} ON COMMIT DELETE ROWS AS "
                       f"SELECT {', '.join(TABLE_COLUMNS)} FROM accrual_line WITH NO DATA")
        cursor.execute(f"DELETE FROM {_INCOMING}")
    copy_into(session, _INCOMING, table_frame(new, *UNIT_COLUMNS))
    parameters = {"period": period, "stage": stage, "units": sorted(partner_ids)}
    removed = connection.execute(_DELETE_CHANGED, parameters).all()
    added = connection.execute(_INSERT_MISSING, parameters).all()
    return Change(pl.DataFrame(removed, schema=BALANCE_SCHEMA, orient="row"),
                  pl.DataFrame(added, schema=BALANCE_SCHEMA, orient="row"))


def apply_changes(session: Session, period: date, changes: Iterable[Change]) -> set[int]:
    """Add the difference of the changed lines to the balances; return the partners whose balances changed."""
    parts = []
    for change in changes:
        for frame, sign in ((change.removed, -1), (change.added, 1)):
            if frame.height:
                parts.append(frame.select(
                    *BALANCE_KEY, (pl.col("amount_cents") * sign).alias("amount"),
                    (pl.when(pl.col("status") == "held").then(pl.col("amount_cents")).otherwise(0) * sign)
                    .alias("held"), pl.lit(sign, dtype=pl.Int64).alias("lines")))
    if not parts:
        return set()
    deltas = (pl.concat(parts).group_by(BALANCE_KEY).agg(pl.col("amount", "held", "lines").sum())
              .filter((pl.col("amount") != 0) | (pl.col("held") != 0) | (pl.col("lines") != 0)))
    if deltas.is_empty():
        return set()
    partners = set(deltas.get_column("partner_id").to_list())
    existing = {(partner, plan, component): balance_id for balance_id, partner, plan, component in session.execute(
        select(AccruedBalance.id, AccruedBalance.partner_id, AccruedBalance.plan_code, AccruedBalance.component_id)
        .where(AccruedBalance.period == period, AccruedBalance.partner_id.in_(partners)))}
    now = datetime.now(UTC)
    updates, inserts = [], []
    for partner, plan, component, amount, held, count in deltas.iter_rows():
        values = {"d_amount": from_cents(amount), "d_held": from_cents(held), "d_lines": count}
        balance_id = existing.get((partner, plan, component))
        if balance_id is None:
            inserts.append({"period": period, "partner_id": partner, "plan_code": plan, "component_id": component,
                            "amount": values["d_amount"], "held": values["d_held"], "lines": count,
                            "updated_at": now})
        else:
            updates.append({"b_id": balance_id, **values})
    if updates:
        table = AccruedBalance.__table__
        # Core, not ORM: an executemany of increments (the ORM would want whole rows by primary key).
        session.connection().execute(
            update(table).where(table.c.id == bindparam("b_id")).values(
                amount=table.c.amount + bindparam("d_amount", type_=table.c.amount.type),
                held=table.c.held + bindparam("d_held", type_=table.c.held.type),
                lines=table.c.lines + bindparam("d_lines"), updated_at=now),
            updates)
        gone = [row["b_id"] for row in updates]
        session.execute(delete(AccruedBalance).where(AccruedBalance.id.in_(gone), AccruedBalance.lines <= 0))
    if inserts:
        session.execute(insert(AccruedBalance), inserts)
    return partners


def clear(session: Session, period: date) -> None:
    """Delete every line and balance of a period."""
    session.execute(delete(AccruedBalance).where(AccruedBalance.period == period))
    session.execute(delete(AccrualLine).where(AccrualLine.period == period))


def lines(session: Session, period: date, *conditions) -> pl.DataFrame:
    """Return the accrual lines of a period (restricted by ``conditions``) as an engine frame."""
    query = select(*line_columns(AccrualLine)).where(AccrualLine.period == period, *conditions)
    return read_frame(session, query, LINE_SCHEMA)


def earned_elsewhere(session: Session, period: date, partner_ids: Iterable[int], sellers: set[int],
                     plan_codes) -> pl.DataFrame:
    """Return the partners' sale lines written by units other than the sellers', of ``plan_codes`` (all if
    None)."""
    conditions = [AccrualLine.partner_id.in_(list(partner_ids)), AccrualLine.unit_stage == "sale",
                  AccrualLine.unit_partner_id.not_in(sellers)]
    if plan_codes is not None:
        conditions.append(AccrualLine.plan_code.in_(plan_codes))
    query = select(*line_columns(AccrualLine)).where(AccrualLine.period == period, *conditions)
    return frame_of(session.execute(query).all(), LINE_SCHEMA)


def refresh_balances(session: Session, period: date) -> None:
    """Sum every line of the period into the balances per partner and plan component, from scratch."""
    session.execute(delete(AccruedBalance).where(AccruedBalance.period == period))
    held = func.sum(case((AccrualLine.status == "held", AccrualLine.amount), else_=0))
    sums = (
        select(AccrualLine.period, AccrualLine.partner_id, AccrualLine.plan_code, AccrualLine.component_id,
               func.sum(AccrualLine.amount), held, func.count(), literal(datetime.now(UTC)))
        .where(AccrualLine.period == period)
        .group_by(AccrualLine.period, AccrualLine.partner_id, AccrualLine.plan_code, AccrualLine.component_id)
    )
    target = ("period", "partner_id", "plan_code", "component_id", "amount", "held", "lines", "updated_at")
    session.execute(insert(AccruedBalance).from_select(target, sums))

