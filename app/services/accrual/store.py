"""Accrual lines and balances in the database: replace a unit's lines, read a partner's, re-sum balances.

Lines go in by COPY on PostgreSQL and one executemany on SQLite, amounts as exact text from integer cents.
A balance is always the sum of the partner's lines: after a unit changes, the balances of the partners whose
lines it touched are summed again in SQL, by the ``(period, partner_id)`` index.
"""

import io
from datetime import UTC
from datetime import date
from datetime import datetime

import polars as pl
from sqlalchemy import BigInteger
from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import cast
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import literal
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AccrualLine
from app.models import AccruedBalance
from app.services.accrual.inputs import fetch
from app.services.calculation.frames import is_postgres
from app.services.calculation.frames import read_frame
from app.services.calculation.lines import RENAMED
from app.services.calculation.lines import amount_text
from calc.lineage import LINE_SCHEMA

UNIT_COLUMNS = ("unit_stage", "unit_partner_id")
TABLE_COLUMNS = [RENAMED.get(c, c) for c in LINE_SCHEMA if c != "amount_cents"] + ["amount", *UNIT_COLUMNS]


def write(session: Session, lines: pl.DataFrame) -> int:
    """Insert accrual lines that carry their unit columns; return the count."""
    if lines.is_empty():
        return 0
    frame = lines.rename(RENAMED).with_columns(amount_text(pl.col("amount_cents")).alias("amount"))
    frame = frame.select(TABLE_COLUMNS)
    if is_postgres(session):
        buffer = io.BytesIO()
        frame.write_csv(buffer, include_header=False, null_value="\\N", date_format="%Y-%m-%d")
        driver = session.connection().connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(
            f"COPY accrual_line ({', '.join(frame.columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        ) as copy:
            copy.write(buffer.getvalue())
    else:
        session.execute(insert(AccrualLine), frame.to_dicts())
    return frame.height


def replace_units(session: Session, period: date, stage: str, partner_ids: set[int], lines: pl.DataFrame) -> set[int]:
    """Replace the lines of the units of ``partner_ids`` at ``stage`` with ``lines`` (carrying their unit
    columns); return the partners whose lines changed hands (old and new earners)."""
    condition = and_(AccrualLine.period == period, AccrualLine.unit_stage == stage,
                     AccrualLine.unit_partner_id.in_(partner_ids))
    earners = set(session.scalars(delete(AccrualLine).where(condition).returning(AccrualLine.partner_id)))
    write(session, lines)
    return earners | set(lines.get_column("partner_id").unique().to_list())


def clear(session: Session, period: date) -> None:
    """Delete every line and balance of a period."""
    session.execute(delete(AccruedBalance).where(AccruedBalance.period == period))
    session.execute(delete(AccrualLine).where(AccrualLine.period == period))


def _line_columns():
    columns = []
    for name in LINE_SCHEMA:
        if name == "amount_cents":
            columns.append(cast(func.round(AccrualLine.amount * 100), BigInteger).label("amount_cents"))
        else:
            columns.append(getattr(AccrualLine, RENAMED.get(name, name)).label(name))
    return columns


def lines(session: Session, period: date, *conditions) -> pl.DataFrame:
    """Return the accrual lines of a period (restricted by ``conditions``) as an engine frame."""
    query = select(*_line_columns()).where(AccrualLine.period == period, *conditions)
    return read_frame(session, query, LINE_SCHEMA)


def earned_elsewhere(session: Session, period: date, partner_id: int, sellers: set[int], plan_codes) -> pl.DataFrame:
    """Return the partner's sale lines written by units other than the sellers', of ``plan_codes`` (all if None)."""
    conditions = [AccrualLine.partner_id == partner_id, AccrualLine.unit_stage == "sale",
                  AccrualLine.unit_partner_id.not_in(sellers)]
    if plan_codes is not None:
        conditions.append(AccrualLine.plan_code.in_(plan_codes))
    return fetch(session, select(*_line_columns()).where(AccrualLine.period == period, *conditions), LINE_SCHEMA)


def refresh_balances(session: Session, period: date, partner_ids: set[int] | None) -> None:
    """Sum the lines of ``partner_ids`` (every partner when None) into their balances per plan component."""
    scoped = [] if partner_ids is None else [AccrualLine.partner_id.in_(partner_ids)]
    stale = delete(AccruedBalance).where(AccruedBalance.period == period)
    if partner_ids is not None:
        stale = stale.where(AccruedBalance.partner_id.in_(partner_ids))
    session.execute(stale)
    held = func.sum(case((AccrualLine.status == "held", AccrualLine.amount), else_=0))
    sums = (
        select(AccrualLine.period, AccrualLine.partner_id, AccrualLine.plan_code, AccrualLine.component_id,
               func.sum(AccrualLine.amount), held, func.count(), literal(datetime.now(UTC)))
        .where(AccrualLine.period == period, *scoped)
        .group_by(AccrualLine.period, AccrualLine.partner_id, AccrualLine.plan_code, AccrualLine.component_id)
    )
    target = ("period", "partner_id", "plan_code", "component_id", "amount", "held", "lines", "updated_at")
    session.execute(insert(AccruedBalance).from_select(target, sums))
