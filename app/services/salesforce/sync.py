"""A sync: pull what changed in Salesforce since the last successful sync and write it as one import.

1. :func:`begin` opens the sync's log row (``running``), manual (a user) or scheduled; one sync at a time.
2. :func:`run` signs in, pulls every object's window (:mod:`~app.services.salesforce.pull`) outside any write
   transaction, then writes all of it in one transaction through the import path
   (:mod:`~app.services.salesforce.writing`) under one ``ImportBatch`` (source ``salesforce``, named after the
   sync), runs the accrual hook for the batch, moves the watermarks to the end of the window and commits.

Atomic, like a file import: when any record has a blocking problem (an invalid VAT number, an unknown partner)
the whole sync is rolled back, nothing is written, the watermarks stay where they were, and the log lists every
problem of the failing step with the object, record id, Salesforce field, value and message. Fix the data in
Salesforce (which moves the record into the next window) and sync again. A second 401 after refreshing the
token, an unreachable org or a Salesforce error fails the sync the same way, with that message.
"""

import hashlib
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import SalesforceSync
from app.models import User
from app.services import accrual
from app.services import audit
from app.services.imports import recording
from app.services.imports import writers
from app.services.imports.matching import Counts
from app.services.salesforce import connection
from app.services.salesforce import mapping
from app.services.salesforce import pull
from app.services.salesforce import writing
from app.services.salesforce.client import Client
from app.services.salesforce.client import SalesforceError

logger = logging.getLogger(__name__)
RUNNING, SUCCEEDED, FAILED = "running", "succeeded", "failed"
MANUAL, SCHEDULED = "manual", "scheduled"
BATCH_SOURCE = "salesforce"
STALE_AFTER = timedelta(hours=6)  # a sync "running" longer than this died with its process
ERROR_LIMIT = 1000

Progress = Callable[[str, int], None]


class SyncRefused(ValueError):
    """Another sync is running (``code`` "running"), or the connection is not configured ("unconfigured")."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class Rejected(Exception):
    """Records with blocking problems: nothing is written."""

    def __init__(self, step: str, problems: list[dict]):
        super().__init__(step)
        self.step, self.problems = step, problems


def _quiet(_phase: str, _percent: int) -> None:
    """Report nothing."""


def running(session: Session) -> SalesforceSync | None:
    """Return the sync running now, if any (one left ``running`` by a dead process is marked failed)."""
    sync = session.scalar(select(SalesforceSync).where(SalesforceSync.status == RUNNING)
                          .order_by(SalesforceSync.id.desc()).limit(1))
    if sync is not None and _aware(sync.started_at) < datetime.now(UTC) - STALE_AFTER:
        sync.status, sync.message = FAILED, "abandoned: its process stopped before it finished"
        session.flush()
        return None
    return sync


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def begin(session: Session, user, trigger: str = MANUAL) -> SalesforceSync:
    """Open a sync's log row; SyncRefused while another runs or without a connection. The caller commits."""
    if connection.stored(session) is None:
        raise SyncRefused("unconfigured", "the Salesforce connection is not configured")
    if running(session) is not None:
        raise SyncRefused("running", "a Salesforce sync is already running")
    sync = SalesforceSync(trigger=trigger, user_id=getattr(user, "id", None), status=RUNNING,
                          started_at=datetime.now(UTC))
    session.add(sync)
    session.flush()
    return sync


def is_due(session: Session, now: datetime | None = None) -> bool:
    """Return True when the scheduled sync is on and its interval has passed since the last sync started."""
    row = connection.stored(session)
    if row is None or not row.scheduled:
        return False
    last = session.scalar(select(SalesforceSync.started_at).order_by(SalesforceSync.id.desc()).limit(1))
    return last is None or _aware(last) + timedelta(minutes=row.interval_minutes) <= (now or datetime.now(UTC))


def run(session: Session, sync_id: int, *, now: datetime | None = None, progress: Progress = _quiet) -> SalesforceSync:
    """Run the opened sync ``sync_id`` to its end and commit; the log row tells the outcome."""
    started = time.monotonic()
    sync = session.get(SalesforceSync, sync_id)
    user = session.get(User, sync.user_id) if sync.user_id else None
    window_end = (now or datetime.now(UTC)).replace(microsecond=0)
    client = None
    try:
        client = Client(connection.settings(session))
        objects = {target: mapping.stored_object(session, target) for target in mapping.TARGETS}
        plans = [(mapping.current(session, target), objects[target].watermark) for target in mapping.TARGETS]
        session.commit()  # no transaction stays open while Salesforce answers
        progress("signing_in", 2)
        client.sign_in()
        pulled = _pull_all(client, plans, window_end, progress)
        progress("writing", 70)
        _write(session, sync, user, pulled, window_end, progress)
        sync.status = SUCCEEDED
    except Rejected as rejected:
        session.rollback()
        sync = session.get(SalesforceSync, sync_id)
        sync.status, sync.errors = FAILED, rejected.problems[:ERROR_LIMIT]
        sync.error_count = sum(1 for p in rejected.problems if p["severity"] == "error")
        sync.message = (f"{sync.error_count} blocking problem(s) in the {rejected.step} records: nothing was "
                        "written; fix them in Salesforce and sync again")
    except (SalesforceError, connection.ConnectionError_) as exc:
        session.rollback()
        sync = session.get(SalesforceSync, sync_id)
        sync.status, sync.message, sync.error_count = FAILED, str(exc)[:1000], 1
        logger.warning("Salesforce sync %s failed: %s", sync_id, exc)
    except Exception as exc:
        session.rollback()
        logger.exception("Salesforce sync %s broke", sync_id)
        sync = session.get(SalesforceSync, sync_id)
        sync.status, sync.message, sync.error_count = FAILED, f"{type(exc).__name__}: {exc}"[:1000], 1
    sync.token_refreshes = client.refreshes if client else 0
    sync.finished_at, sync.window_end = datetime.now(UTC), window_end
    sync.duration_ms = int((time.monotonic() - started) * 1000)
    if sync.status == FAILED:
        audit.record(session, user, "salesforce.sync_failed", "salesforce_sync", sync.id, summary=sync.message[:300])
    session.commit()
    progress("finished", 100)
    return sync


def _pull_all(client: Client, plans, window_end: datetime, progress: Progress) -> list[pull.Pulled]:
    pulled = []
    share = 65 // max(1, len(plans))
    for index, (object_mapping, since) in enumerate(plans):
        base = 5 + index * share

        def report(done: int, total: int, base=base) -> None:
            progress("pulling", base + (share * done // total if total else share))

        pulled.append(pull.pull(client, object_mapping, since, window_end, report))
    return pulled


def _write(session: Session, sync: SalesforceSync, user, pulled: list[pull.Pulled], window_end: datetime,
           progress: Progress) -> None:
    """Write everything pulled in the caller's transaction; raise Rejected on a blocking problem."""
    writers.lock(session.connection())
    by_target = {item.mapping.target: item for item in pulled}
    batch = recording.open_batch(session, BATCH_SOURCE, f"salesforce-sync-{sync.id}", _digest(pulled), sync.user_id,
                                 recording.IMPORTING, row_count=sum(p.count for p in pulled))
    counts, totals, problems = {}, Counts(), []
    steps = [lambda: (writing.live_step(by_target["partners"].mapping, by_target["partners"].live), 0),
             lambda: (writing.live_step(by_target["contracts"].mapping, by_target["contracts"].live), 0),
             lambda: writing.contract_endings(session, by_target["contracts"].mapping, by_target["contracts"].deleted),
             lambda: writing.partner_endings(session, by_target["partners"].mapping, by_target["partners"].deleted)]
    for number, make in enumerate(steps):
        step, skipped = make()
        plan, outcome = writing.examine(session, step)
        problems += outcome.problems
        if outcome.errors:
            raise Rejected(step.name, outcome.problems)
        if plan is not None:
            writing.write(session, step, plan, batch, user)
        counts[step.name] = {"rows": len(step.rows), "new": outcome.counts.new, "changed": outcome.counts.changed,
                             "unchanged": outcome.counts.unchanged, "skipped": skipped}
        totals = totals + outcome.counts
        progress("writing", 70 + 6 * (number + 1))
    progress("accruals", 95)
    accrual.on_import_batch(session, batch.id)
    for item in pulled:
        mapping.stored_object(session, item.mapping.target).watermark = window_end
        counts[item.mapping.target]["pulled"] = item.count
        counts[item.mapping.target]["deleted"] = len(item.deleted)
    recording.finish(batch, totals, recording.IMPORTED, warnings=len(problems))
    sync.import_batch_id, sync.counts, sync.errors = batch.id, counts, problems[:ERROR_LIMIT] or None
    sync.records_pulled = sum(p.count for p in pulled)
    sync.records_deleted = sum(len(p.deleted) for p in pulled)
    sync.rows_new, sync.rows_changed, sync.rows_unchanged = totals.new, totals.changed, totals.unchanged
    sync.message = None
    audit.record(session, user, "salesforce.synced", "salesforce_sync", sync.id, after={
        "import_batch": batch.id, "pulled": sync.records_pulled, "deleted": sync.records_deleted,
        "new": totals.new, "changed": totals.changed, "unchanged": totals.unchanged, "window_end": window_end,
    }, summary=f"Salesforce sync {sync.id}: {sync.records_pulled} records, {totals.new} new, "
               f"{totals.changed} changed, {totals.unchanged} unchanged")


def _digest(pulled: list[pull.Pulled]) -> str:
    """Return the sha256 of what was pulled, as the batch's fingerprint."""
    digest = hashlib.sha256()
    for item in pulled:
        digest.update(json.dumps([item.mapping.sobject, item.live, item.deleted], sort_keys=True, default=str).encode())
    return digest.hexdigest()


def sync_now(session: Session, user, trigger: str = MANUAL, *, now: datetime | None = None,
             progress: Progress = _quiet) -> SalesforceSync:
    """Open and run a sync in one go (CLI, tests); SyncRefused when one cannot start."""
    sync = begin(session, user, trigger)
    session.commit()
    return run(session, sync.id, now=now, progress=progress)
