"""Accrual lines and balances in the database: replace a unit's lines by their difference, keep balances.

A unit's new lines are compared with its stored ones by a digest of their columns, kept with each line: only
the lines that changed are deleted and inserted (an event usually changes a handful of a seller's thousand
lines). A balance is the sum of a partner's lines per plan component; an update adds the difference of the
changed lines to it, so it never re-sums; ``refresh_balances`` sums them from scratch after a rebuild.

Lines go in by COPY on PostgreSQL and one executemany on SQLite, amounts as exact text from integer cents.
"""

import hashlib
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
BALANCE_KEY = ("partner_id", "plan_id", "component_id")
# What a balance reads of a changed line.
BALANCE_SCHEMA = {"partner_id": pl.Int64, "plan_id": pl.String, "component_id": pl.String,
                  "amount_cents": pl.Int64, "status": pl.String}


def _balance_columns() -> list:
    return [AccrualLine.partner_id, AccrualLine.plan_code, AccrualLine.component_id,
            cast(func.round(AccrualLine.amount * 100), BigInteger), AccrualLine.status]


@dataclass(frozen=True)
class Change:
    """The lines an update took away and the ones it added (at least the columns a balance reads)."""

    removed: pl.DataFrame
    added: pl.DataFrame

    @property
    def partners(self) -> set[int]:
        """Return the partners whose lines changed."""
        return set(self.removed.get_column("partner_id").to_list()) | set(self.added.get_column("partner_id").to_list())


def _hashed(frame: pl.DataFrame) -> pl.DataFrame:
    """Return table rows with ``content_hash``: a digest of every column, stable across library versions."""
    text = frame.select(pl.concat_str([pl.col(c).cast(pl.String).fill_null(_NULL) for c in TABLE_COLUMNS],
                                      separator=_SEPARATOR)).to_series()
    digests = [hashlib.blake2b(row.encode(), digest_size=16).hexdigest() for row in text]
    return frame.with_columns(pl.Series("content_hash", digests, dtype=pl.String))


_NULL, _SEPARATOR = "\u2400", "\u241f"


def _insert(session: Session, rows: pl.DataFrame) -> None:
    if is_postgres(session) and rows.height > 50:
        copy_into(session, "accrual_line", rows)
    else:
        session.execute(insert(AccrualLine), rows.to_dicts())


def write(session: Session, lines: pl.DataFrame) -> int:
    """Insert accrual lines that carry their unit columns; return the count."""
    if lines.is_empty():
        return 0
    _insert(session, _hashed(table_frame(lines, *UNIT_COLUMNS)))
    return lines.height


def replace_units(session: Session, period: date, stage: str, partner_ids: set[int], lines: pl.DataFrame) -> Change:
    """Make the stored lines of the units of ``partner_ids`` at ``stage`` equal to ``lines`` (carrying their
    unit columns), deleting and inserting only the lines that differ; return what changed.

    Lines are compared by their content hash: the stored ones' are read (a few narrow rows per line), the new
    ones' computed, and only the lines on one side alone are deleted or inserted."""
    unit = (AccrualLine.period == period, AccrualLine.unit_stage == stage,
            AccrualLine.unit_partner_id.in_(list(partner_ids)))
    new = _hashed(table_frame(lines.select(pl.col(n).cast(t) for n, t in UNIT_SCHEMA.items()), *UNIT_COLUMNS,
                              "amount_cents"))
    stored = session.execute(select(AccrualLine.id, AccrualLine.content_hash).where(*unit)).all()
    wanted = set(new.get_column("content_hash").to_list())
    stale = [line_id for line_id, digest in stored if digest not in wanted]
    removed = session.execute(delete(AccrualLine).where(AccrualLine.id.in_(stale))
                              .returning(*_balance_columns())).all() if stale else []
    added = new.filter(~pl.col("content_hash").is_in([digest for _, digest in stored]))
    if added.height:
        _insert(session, added.drop("amount_cents"))
    return Change(pl.DataFrame(removed, schema=BALANCE_SCHEMA, orient="row"),
                  added.select("partner_id", pl.col("plan_code").alias("plan_id"), "component_id", "amount_cents",
                               "status"))


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

