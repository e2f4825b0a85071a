"""Targets: one row per partner, KPI and period (a year, or a month of it).

Targets are not versioned: a target already known for the same partner, year, month and KPI is updated in
place when its value changes, with the value before and after in the audit log.
"""

from decimal import Decimal

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Target
from app.services import audit
from app.services.imports import layouts
from app.services.imports.matching import CHANGED
from app.services.imports.matching import NEW
from app.services.imports.matching import UNCHANGED
from app.services.imports.matching import Counts
from app.services.imports.problems import ProblemLog
from app.services.imports.sources import Plan
from app.services.imports.sources import references

LAYOUT = layouts.TARGETS


def check(session: Session, rows: pl.DataFrame, log: ProblemLog) -> None:
    """Report unknown partners."""
    references.unknown(log, rows, "partner_code", references.partners(session).get_column("code"), "unknown_partner")


def _value(milli: int) -> Decimal:
    return Decimal(milli).scaleb(-3)


def match(session: Session, rows: pl.DataFrame, log: ProblemLog, present: frozenset[str]) -> Plan:
    """Classify each target as new, changed (another value) or unchanged."""
    partner_ids = dict(references.partners(session).select("code", "partner_id").iter_rows())
    wanted = set(partner_ids[code] for code in rows.get_column("partner_code").unique().to_list())
    stored = {(t.partner_id, t.year, t.month, t.kpi): t
              for t in session.scalars(select(Target).where(Target.partner_id.in_(wanted)))}
    actions = []
    for row in rows.iter_rows(named=True):
        key = (partner_ids[row["partner_code"]], row["year"], row["month"], row["kpi"])
        target, value = stored.get(key), _value(row["value"])
        outcome = NEW if target is None else UNCHANGED if target.value == value else CHANGED
        actions.append((outcome, key, value))
    counted = [outcome for outcome, _key, _value in actions]
    counts = Counts(counted.count(NEW), counted.count(CHANGED), counted.count(UNCHANGED))
    return Plan(counts, {"actions": actions})


def write(session: Session, plan: Plan, batch, user, progress=None) -> None:
    """Add the new targets and update the changed ones."""
    for outcome, (partner_id, year, month, kpi), value in plan.data["actions"]:
        if outcome == NEW:
            session.add(Target(partner_id=partner_id, year=year, month=month, kpi=kpi, value=value))
        elif outcome == CHANGED:
            target = session.scalar(select(Target).where(Target.partner_id == partner_id, Target.year == year,
                                                         Target.month.is_(None) if month is None else Target.month == month,
                                                         Target.kpi == kpi))
            audit.record(session, user, "target.imported_change", "target", target.id,
                         before={"value": target.value}, after={"value": value})
            target.value = value
    session.flush()
