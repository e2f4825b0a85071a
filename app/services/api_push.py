"""Records pushed through the REST API, written exactly like the rows of an imported file.

A push is a small file that arrived as JSON: its items become the text columns of the source's layout, then
go through the steps every import batch shares (:mod:`app.services.imports.recording`): the same checks
(types, check digits, references, lifecycle, duplicates), matched by external id and written through the
source's own ``write`` (a changed record is a new version, an unchanged one is skipped), under an
``ImportBatch`` named after the API call, so lineage reaches the call and the token that made it. The accruals
of the open periods are updated before the caller commits.

Atomic: when any item has a blocking problem nothing is written and :class:`PushRejected` lists every problem
by item index and field. Warnings (a consumption outlier) do not block; they come back with the result.
"""

from dataclasses import dataclass
from datetime import date

import polars as pl
from flask import has_request_context
from flask_babel import gettext
from sqlalchemy.orm import Session

from app.services import audit
from app.services.imports import layouts
from app.services.imports import recording
from app.services.imports import writers
from app.services.imports.problems import ERROR
from app.services.imports.problems import N_
from app.services.imports.problems import WARNING
from app.services.imports.problems import ProblemLog
from app.services.imports.problems import message_text
from app.services.imports.readers import ROW
from app.services.imports.recording import IMPORTING
from app.services.imports.recording import Examination

# Messages that speak of a file's rows, said of a request's items instead.
ITEM_MESSAGES = {
    "duplicate": N_("Same key as item %(row)s of the request."),
    "customer_differs": N_("Customer details differ from item %(row)s of the request."),
}


@dataclass(frozen=True)
class PushProblem:
    """One problem of a pushed item: its index in the request, the field, a stable code and a message."""

    index: int | None
    field: str | None
    code: str
    message: str
    value: str | None = None
    severity: str = ERROR
    params: dict | None = None


class PushRejected(ValueError):
    """At least one item has a blocking problem: nothing was written."""

    def __init__(self, problems: list[PushProblem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass(frozen=True)
class PushResult:
    """What a push wrote: its batch, how many items were new, changed or unchanged, and the warnings."""

    batch_id: int
    received: int
    new: int
    changed: int
    unchanged: int
    warnings: list[PushProblem]


def as_text(value) -> str | None:
    """Return an item's value as the text a file cell would hold (dates ISO, booleans true/false)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def frame_of(layout: layouts.Layout, items: list[dict]) -> pl.DataFrame:
    """Return ``items`` as the text columns of ``layout`` plus ``_row`` (the item's index)."""
    columns = {ROW: pl.Series(ROW, range(len(items)), dtype=pl.Int64)}
    for name in layout.names:
        columns[name] = pl.Series(name, [as_text(item.get(name)) for item in items], dtype=pl.String)
    return pl.DataFrame(columns)


def _message(code: str, params: dict | None) -> str:
    if code not in ITEM_MESSAGES:
        return message_text(code, params)
    if has_request_context():
        return gettext(ITEM_MESSAGES[code], **(params or {}))
    return ITEM_MESSAGES[code] % (params or {})


def problems_of(log: ProblemLog, severity: str) -> list[PushProblem]:
    """Return the problems of ``severity`` in ``log``, by item index."""
    found = []
    for problem in log.problems("api"):
        if problem.severity != severity:
            continue
        found.append(PushProblem(index=problem.row, field=problem.column or None, code=problem.code,
                                 message=_message(problem.code, problem.params), value=problem.value,
                                 severity=problem.severity, params=problem.params))
    return found


def examine(session: Session, source: str, items: list[dict]) -> Examination:
    """Check ``items`` against the layout and the stored data and match them; write nothing."""
    layout = layouts.get(source)
    present = frozenset(name for name in layout.names if any(name in item for item in items))
    return recording.check_and_match(session, source, frame_of(layout, items), present)


def push(session: Session, actor, source: str, items: list[dict], *, label: str, sha256: str,
         user_id: int | None = None) -> PushResult:
    """Validate and write ``items`` of ``source`` in the caller's transaction; the caller commits.

    ``label`` names the call in the batch (method, path, token prefix), ``sha256`` is the request body's.
    Raises :class:`PushRejected` (nothing written) when any item has a blocking problem.
    """
    writers.lock(session.connection())
    examination = examine(session, source, items)
    if examination.log.has_errors:
        raise PushRejected(problems_of(examination.log, ERROR))
    batch = recording.open_batch(session, source, label[:255], sha256, user_id, IMPORTING)
    recording.write(session, actor, batch, examination)
    counts, warnings = examination.plan.counts, problems_of(examination.log, WARNING)
    audit.record(session, actor, "api.pushed", "import_batch", batch.id, after={
        "source": source, "call": label, "sha256": sha256, "items": len(items), "new": counts.new,
        "changed": counts.changed, "unchanged": counts.unchanged, "warnings": len(warnings),
    }, summary=f"{source}: {label}, {counts.new} new, {counts.changed} changed, {counts.unchanged} unchanged")
    return PushResult(batch.id, len(items), counts.new, counts.changed, counts.unchanged, warnings)
