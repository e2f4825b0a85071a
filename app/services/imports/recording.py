"""Recording rows through an import batch: the one way rows of a source are checked, matched and written.

A file import (:mod:`~app.services.imports.runner`), a REST API push (:mod:`app.services.api_push`) and a
Salesforce sync (:mod:`app.services.salesforce.writing`) each turn what they received into the text columns of
the source's layout, then share these steps:

1. :func:`check_and_match` checks the fields (types, check digits, duplicates) and the rows (references,
   business rules), and while no blocking problem remains matches them with what is stored by external id:
   new, changed (a new version; the current one is retired) or unchanged (skipped, so the same rows twice
   write nothing). It writes nothing.
2. :func:`open_batch` opens the ``ImportBatch`` named after the file or the call, with its sha256 and who sent
   it, so the lineage of every written row reaches its source.
3. :func:`write` writes the matched rows with the batch id, brings the open periods' accruals up to date and
   records the batch as imported; :func:`record` stores a batch's counts, problems and status.

Nothing here commits: the caller's transaction keeps every import all or nothing.
"""

import json
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime

import polars as pl
from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.models import ImportBatch
from app.models import ImportProblem
from app.services import accrual
from app.services.imports import layouts
from app.services.imports import sources
from app.services.imports import validation
from app.services.imports.matching import Counts
from app.services.imports.problems import ERROR
from app.services.imports.problems import WARNING
from app.services.imports.problems import ProblemLog
from app.services.imports.sources import Plan

IMPORTING = "importing"
IMPORTED = "imported"
PROBLEM_LIMIT = 100_000


@dataclass
class Examination:
    """What validation found: the typed rows, the problems and, when there is no error, the plan to write."""

    rows: pl.DataFrame | None
    log: ProblemLog
    plan: Plan | None
    row_count: int


def quiet(_phase: str, _fraction: float = 1.0) -> None:
    """Report nothing (the progress of a step nobody watches)."""


def check_and_match(session: Session, source: str, frame: pl.DataFrame, present: frozenset[str],
                    log: ProblemLog | None = None, progress=quiet) -> Examination:
    """Check the text rows of ``source`` in ``frame`` and match them with what is stored; write nothing.

    ``present`` names the fields the rows carry; problems are added to ``log`` (a new one when not given).
    """
    layout, module = layouts.get(source), sources.get(source)
    log = log if log is not None else ProblemLog()
    rows, field_log = validation.check_fields(layout, frame)
    log.extend(field_log)
    progress("checking", 0.5)
    module.check(session, rows, log)
    progress("checking", 1.0)
    plan = None if log.has_errors else module.match(session, rows, log, present)
    progress("matching", 1.0)
    return Examination(rows, log, plan, frame.height)


def open_batch(session: Session, source: str, name: str, sha256: str, user_id: int | None, status: str,
               row_count: int = 0, mapping: dict | None = None) -> ImportBatch:
    """Open the batch of rows from ``name`` (a file or a call) with their sha256 and who sent them."""
    batch = ImportBatch(source=source, file_name=name, user_id=user_id, sha256=sha256, status=status,
                        row_count=row_count, mapping=mapping)
    session.add(batch)
    session.flush()
    return batch


def finish(batch: ImportBatch, counts: Counts | None, status: str, *, errors: int = 0, warnings: int = 0) -> None:
    """Store the batch's row counts (none written without ``counts``) and problem counts, and give it ``status``,
    finished now."""
    batch.error_count, batch.warning_count = errors, warnings
    batch.rows_new, batch.rows_changed, batch.rows_unchanged = (
        (counts.new, counts.changed, counts.unchanged) if counts else (0, 0, 0))
    batch.status, batch.phase, batch.progress = status, None, 100
    batch.finished_at = datetime.now(UTC)


def record(session: Session, batch: ImportBatch, examination: Examination, status: str) -> None:
    """Store the batch's counts and problems (replacing earlier ones) and give it ``status``."""
    batch.row_count = examination.row_count
    finish(batch, examination.plan.counts if examination.plan else None, status,
           errors=examination.log.count(ERROR), warnings=examination.log.count(WARNING))
    session.execute(delete(ImportProblem).where(ImportProblem.batch_id == batch.id))
    problems = examination.log.frame().head(PROBLEM_LIMIT)
    if problems.height:
        session.execute(insert(ImportProblem), [
            {"batch_id": batch.id, "row_number": row["row"], "column_name": row["column"][:64],
             "value": None if row["value"] is None else row["value"][:200], "code": row["code"],
             "params": json.loads(row["params"]) if row["params"] else None, "severity": row["severity"]}
            for row in problems.iter_rows(named=True)])


def write(session: Session, user, batch: ImportBatch, examination: Examination, progress=None) -> None:
    """Write the matched rows under the batch, refresh the open periods' accruals, record it imported."""
    sources.get(batch.source).write(session, examination.plan, batch, user, progress)
    accrual.on_import_batch(session, batch.id)  # keep the open periods' accrued amounts current
    record(session, batch, examination, IMPORTED)
