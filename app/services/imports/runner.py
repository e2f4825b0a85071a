"""The import of one file: submit, validate, then import atomically and idempotently.

1. :func:`submit` keeps the uploaded file (named by batch id and sha256) and opens an ``ImportBatch``
   (``validating``), with the column mapping to read it with; the mapping is saved for the next upload.
2. :func:`validate` reads the file, checks every value and reference, and matches the rows with what is
   stored (new / changed / unchanged), writing nothing but the report: the batch becomes ``validated`` or,
   while a blocking problem remains, ``rejected``.
3. :func:`run` imports a validated batch in the caller's transaction: it validates again (the data it refers
   to may have changed since), writes every row with the batch id, and records the counts and an audit entry.
   The caller commits; :func:`execute` wraps it for a background thread or job: commit, or roll everything back
   and mark the batch ``failed``.

Idempotent: rows are matched by external id and an identical row is skipped, so the same file twice adds
nothing; a changed row becomes a new version. The report also says when a file with the same sha256 was
already imported.
"""

import hashlib
from datetime import UTC
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session
from werkzeug.utils import secure_filename

from app.models import ImportBatch
from app.models import User
from app.services import audit
from app.services.imports import layouts
from app.services.imports import mappings
from app.services.imports import readers
from app.services.imports import recording
from app.services.imports import writers
from app.services.imports.problems import ProblemLog
from app.services.imports.progress import ProgressReporter
from app.services.imports.recording import IMPORTED
from app.services.imports.recording import IMPORTING
from app.services.imports.recording import Examination

VALIDATING = "validating"
VALIDATED = "validated"
REJECTED = "rejected"
FAILED = "failed"
RUNNING = (VALIDATING, IMPORTING)


class NotReady(ValueError):
    """The batch is not in a state that allows this step."""


def storage_dir() -> Path:
    """Return the folder the uploaded files are kept in (``IMPORT_FOLDER``, else ``instance/imports``)."""
    folder = Path(current_app.config.get("IMPORT_FOLDER") or Path(current_app.instance_path) / "imports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stored_path(batch: ImportBatch) -> Path:
    """Return where the file of ``batch`` is kept."""
    return storage_dir() / f"{batch.id}-{batch.sha256[:16]}{Path(batch.file_name).suffix.lower()}"


def submit(session: Session, user, source: str, file_name: str, data: bytes, columns: dict | None = None,
           mapping_name: str | None = None) -> ImportBatch:
    """Keep the file and open its batch (``validating``); save the mapping when ``mapping_name`` is given."""
    layout = layouts.get(source)
    columns = mappings.clean(layout, columns or mappings.default_columns(layout))
    batch = recording.open_batch(session, source, secure_filename(file_name) or "upload",
                                 hashlib.sha256(data).hexdigest(), getattr(user, "id", None), VALIDATING,
                                 mapping=columns)
    stored_path(batch).write_bytes(data)
    if mapping_name is not None:
        mappings.remember(session, user, layout, mapping_name, columns)
    audit.record(session, user, "import.uploaded", "import_batch", batch.id,
                 after={"source": source, "file_name": batch.file_name, "sha256": batch.sha256})
    return batch


def examine(session: Session, batch: ImportBatch, progress=recording.quiet) -> Examination:
    """Read, check and match the batch's file; write nothing."""
    layout = layouts.get(batch.source)
    log = ProblemLog()
    try:
        table = readers.read_path(stored_path(batch), batch.file_name)
    except (readers.ReadError, OSError) as exc:
        log.add(1, "", None, "unreadable", {"detail": str(exc)})
        return Examination(None, log, None, 0)
    progress("reading", 1.0)
    frame, mapping_log = mappings.apply(layout, table, batch.mapping or {})
    log.extend(mapping_log)
    if mapping_log.has_errors:
        return Examination(None, log, None, table.row_count)
    if frame.height == 0:
        log.add(2, "", None, "empty_file")
        return Examination(None, log, None, 0)
    present = frozenset(name for name, header in mappings.resolve(layout, table.headers, batch.mapping or {}).items()
                        if header is not None)
    return recording.check_and_match(session, batch.source, frame, present, log, progress)


def validate(session: Session, batch: ImportBatch, progress=recording.quiet) -> Examination:
    """Validate the batch's file and store the report; the batch becomes ``validated`` or ``rejected``."""
    examination = examine(session, batch, progress)
    recording.record(session, batch, examination, REJECTED if examination.log.has_errors else VALIDATED)
    return examination


def run(session: Session, user, batch: ImportBatch, progress=recording.quiet) -> ImportBatch:
    """Import a validated batch in the caller's transaction (validating it again first); the caller commits."""
    if batch.status not in (VALIDATED, IMPORTING):
        raise NotReady(f"batch {batch.id} is {batch.status}: only a validated batch can be imported")
    writers.lock(session.connection())
    examination = examine(session, batch, progress)
    if examination.log.has_errors:
        recording.record(session, batch, examination, REJECTED)
        audit.record(session, user, "import.rejected", "import_batch", batch.id,
                     after={"errors": batch.error_count}, summary=f"{batch.source}: {batch.file_name} rejected")
        return batch
    recording.write(session, user, batch, examination, _phase(progress, "writing"))
    audit.record(session, user, "import.completed", "import_batch", batch.id, after={
        "source": batch.source, "file_name": batch.file_name, "sha256": batch.sha256, "rows": batch.row_count,
        "new": batch.rows_new, "changed": batch.rows_changed, "unchanged": batch.rows_unchanged,
        "warnings": batch.warning_count,
    }, summary=f"{batch.source}: {batch.file_name}, {batch.rows_new} new, {batch.rows_changed} changed, "
               f"{batch.rows_unchanged} unchanged")
    return batch


def _phase(progress, name: str):
    return lambda fraction: progress(name, fraction)


def fail(session: Session, user, batch_id: int, message: str) -> None:
    """Mark a batch ``failed`` with ``message`` (after its transaction was rolled back) and audit it."""
    batch = session.get(ImportBatch, batch_id)
    batch.status, batch.phase, batch.message = FAILED, None, message[:500]
    batch.finished_at = datetime.now(UTC)
    audit.record(session, user, "import.failed", "import_batch", batch.id, summary=message[:300])


def execute(session: Session, batch_id: int, user_id: int | None, action: str) -> None:
    """Validate (``action="validate"``) or import a batch and commit; on failure roll back and mark it failed."""
    reporter = ProgressReporter(batch_id)
    user = session.get(User, user_id) if user_id else None
    batch = session.get(ImportBatch, batch_id)
    try:
        if action == "validate":
            validate(session, batch, reporter)
        else:
            run(session, user, batch, reporter)
        session.commit()
    except Exception as exc:
        session.rollback()
        fail(session, user, batch_id, f"{exc.__class__.__name__}: {exc}")
        session.commit()
        raise
    finally:
        reporter.done()


def begin_import(session: Session, batch: ImportBatch) -> None:
    """Claim a validated batch for importing (``importing``); the caller commits, then runs it.

    The claim is one conditional UPDATE, so two clicks (or two users) never start the same import twice.
    """
    claimed = session.execute(
        update(ImportBatch).where(ImportBatch.id == batch.id, ImportBatch.status == VALIDATED)
        .values(status=IMPORTING, phase="reading", progress=0)).rowcount
    session.refresh(batch)
    if claimed != 1:
        raise NotReady(f"batch {batch.id} is {batch.status}: only a validated batch can be imported")


def import_file(session: Session, user, source: str, path: Path, columns: dict | None = None,
                file_name: str | None = None, progress=recording.quiet) -> ImportBatch:
    """Submit and import a file in one go, validating it once inside the import (CLI, benchmarks, tests)."""
    batch = submit(session, user, source, file_name or path.name, path.read_bytes(), columns)
    batch.status = IMPORTING
    session.commit()
    batch_id = batch.id
    try:
        run(session, user, batch, progress)
        session.commit()
    except Exception as exc:
        session.rollback()
        fail(session, user, batch_id, f"{exc.__class__.__name__}: {exc}")
        session.commit()
        raise
    return session.get(ImportBatch, batch_id)


def same_file_imports(session: Session, batch: ImportBatch) -> list[ImportBatch]:
    """Return the earlier batches of the same source that imported a file with the same sha256."""
    return list(session.scalars(
        select(ImportBatch).where(ImportBatch.sha256 == batch.sha256, ImportBatch.source == batch.source,
                                  ImportBatch.status == IMPORTED, ImportBatch.id != batch.id)
        .order_by(ImportBatch.id)))
