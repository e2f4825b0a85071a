"""What every unit of a period reads alike — the hierarchy, the period's plan assignments and plan documents —
kept between events while the rows they come from stay the same.

Whether a kept copy still stands is decided by a fingerprint of those rows, computed by the database in one
aggregate query inside the caller's transaction: a partner moved, a link corrected, an assignment added or
ended, a plan version published or retired, all change it, and a copy is only ever used for exactly the rows
it was read from (even rows another transaction has not committed yet). SQLite, the single-user database,
has no digest function: it reads them every time.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date

import polars as pl
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.services import plans as stored_plans
from app.services.calculation import inputs as run_inputs
from app.services.calculation.frames import is_postgres
from calc.inputs import next_month
from calc.plan import Plan as PlanDocument

# Periods kept at most (a few open months, and the month before when one is being rebuilt).
KEEP = 8

_FINGERPRINT = text("""
SELECT md5(concat_ws('|',
  coalesce((SELECT string_agg(concat_ws(',', id, partner_id, parent_id, valid_from, valid_to), ';' ORDER BY id)
            FROM partner_link), ''),
  coalesce((SELECT string_agg(concat_ws(',', id, plan_id, partner_id, partner_group, valid_from, valid_to), ';'
                              ORDER BY id) FROM plan_assignment), ''),
  coalesce((SELECT string_agg(concat_ws(',', id, plan_id, version, status, valid_from, valid_to, sha256), ';'
                              ORDER BY id) FROM plan_version), ''),
  coalesce((SELECT string_agg(concat_ws(',', id, code), ';' ORDER BY id) FROM plan), '')))
""")

_kept: dict[date, tuple[str, "Shared"]] = {}
_documents: dict[tuple[int, str], PlanDocument] = {}


@dataclass(frozen=True)
class Shared:
    """The hierarchy, the period's assignments and plan documents, and who is above and below whom."""

    period: date
    hierarchy: pl.DataFrame
    assignments: pl.DataFrame
    plans: list[PlanDocument]
    parents: dict[int, set[int]] = field(default_factory=dict)
    children: dict[int, set[int]] = field(default_factory=dict)

    def ancestors(self, partner_ids) -> set[int]:
        """Return every partner above ``partner_ids`` on any date, at any depth."""
        return _reach(self.parents, partner_ids)

    def descendants(self, partner_id: int) -> set[int]:
        """Return every partner below ``partner_id`` on any date, at any depth."""
        return _reach(self.children, [partner_id])


def _reach(links: dict[int, set[int]], start) -> set[int]:
    found: set[int] = set()
    todo = list(start)
    while todo:
        for other in links.get(todo.pop(), ()):
            if other not in found:
                found.add(other)
                todo.append(other)
    return found


def plans_of(session: Session, period: date) -> list[PlanDocument]:
    """Return the plan documents in force during ``period`` (published versions never change: keep them)."""
    documents = []
    for version in stored_plans.published_versions(session, period, next_month(period)):
        key = (version.id, version.sha256)
        if key not in _documents:
            _documents[key] = stored_plans.document_of(version)
        documents.append(_documents[key])
    return documents


def _links(hierarchy: pl.DataFrame) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    parents: dict[int, set[int]] = {}
    children: dict[int, set[int]] = {}
    for child, parent in hierarchy.select("partner_id", "parent_id").iter_rows():
        parents.setdefault(child, set()).add(parent)
        children.setdefault(parent, set()).add(child)
    return parents, children


def descendants(hierarchy: pl.DataFrame, partner_id: int) -> set[int]:
    """Return every partner below ``partner_id`` in ``hierarchy`` on any date, at any depth."""
    return _reach(_links(hierarchy)[1], [partner_id])


def read(session: Session, period: date) -> Shared:
    """Read the period's shared inputs from the database."""
    hierarchy = run_inputs.hierarchy(session)
    parents, children = _links(hierarchy)
    return Shared(period, hierarchy, run_inputs.assignments(session, period), plans_of(session, period),
                  parents, children)


def of_period(session: Session, period: date) -> Shared:
    """Return the period's shared inputs: the kept copy while its rows are unchanged, else read afresh."""
    if not is_postgres(session):
        return read(session, period)
    fingerprint = session.execute(_FINGERPRINT).scalar_one()
    kept = _kept.get(period)
    if kept is not None and kept[0] == fingerprint:
        return kept[1]
    shared = read(session, period)
    if len(_kept) >= KEEP:
        _kept.pop(next(iter(_kept)))
    _kept[period] = (fingerprint, shared)
    return shared


def forget() -> None:
    """Drop every kept copy (tests; a process that wants to free the memory)."""
    _kept.clear()
