"""The report of a batch: its stored problems, a summary by message, and the CSV of every problem."""

import csv
import io

from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ImportBatch
from app.models import ImportProblem
from app.services.imports.problems import Problem
from app.services.imports.problems import message_text

CSV_HEADER = ("file", "row", "column", "value", "message", "severity")


def problems_query(batch_id: int) -> Select:
    """Return a query for the stored problems of a batch, in row order."""
    return (select(ImportProblem).where(ImportProblem.batch_id == batch_id)
            .order_by(ImportProblem.row_number, ImportProblem.id))


def as_problem(batch: ImportBatch, stored: ImportProblem) -> Problem:
    """Return a stored problem as a :class:`Problem` of the batch's file."""
    return Problem(file=batch.file_name, row=stored.row_number, column=stored.column_name, value=stored.value,
                   code=stored.code, params=stored.params, severity=stored.severity)


def problems(session: Session, batch: ImportBatch, limit: int | None = None) -> list[Problem]:
    """Return the stored problems of ``batch`` (at most ``limit``)."""
    query = problems_query(batch.id)
    if limit:
        query = query.limit(limit)
    return [as_problem(batch, stored) for stored in session.scalars(query)]


def summary(session: Session, batch: ImportBatch) -> list[tuple[str, str, str, int]]:
    """Return (severity, column, message, count) per kind of problem, most frequent first."""
    rows = session.execute(
        select(ImportProblem.severity, ImportProblem.column_name, ImportProblem.code, func.count(),
               func.min(ImportProblem.id))
        .where(ImportProblem.batch_id == batch.id)
        .group_by(ImportProblem.severity, ImportProblem.column_name, ImportProblem.code)
        .order_by(func.count().desc()))
    result = []
    for severity, column, code, count, first_id in rows:
        sample = session.get(ImportProblem, first_id)
        result.append((severity, column, message_text(code, sample.params), count))
    return result


def problems_csv(session: Session, batch: ImportBatch) -> str:
    """Return every stored problem of ``batch`` as CSV (file, row, column, value, message, severity)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for stored in session.scalars(problems_query(batch.id).execution_options(yield_per=5000)):
        problem = as_problem(batch, stored)
        writer.writerow((problem.file, problem.row, problem.column, problem.value or "", problem.message,
                         problem.severity))
    return "\ufeff" + buffer.getvalue()
