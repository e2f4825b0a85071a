"""The "sync now" button's background work: a sync runs in a thread with its own app context and session.

Like the calculation runs started from the pages (:mod:`app.services.calculation.jobs`): ``workflows.jobs``
queues the service tasks of process instances, not free-standing work. The sync's log row is committed
(``running``) before the thread starts, so every process sees that a sync runs; its phase and percent live in
this process's memory while it works (the sync writes in one transaction, which cannot carry them). With
``SALESFORCE_INLINE`` set (tests) the sync runs in the caller's thread before :func:`start` returns.
"""

import logging
import threading

from flask import Flask

from app.extensions import db
from app.services.salesforce import sync as syncing

logger = logging.getLogger(__name__)

_live: dict[int, tuple[str, int]] = {}
_threads: dict[int, threading.Thread] = {}
_guard = threading.Lock()


def live(sync_id: int) -> tuple[str, int] | None:
    """Return (phase, percent) of a sync this process is running, if any."""
    with _guard:
        return _live.get(sync_id)


def _reporter(sync_id: int):
    def report(phase: str, percent: int) -> None:
        with _guard:
            _live[sync_id] = (phase, max(0, min(100, int(percent))))
    return report


def start(app: Flask, sync_id: int) -> None:
    """Run the opened sync ``sync_id`` in the background (inline with ``SALESFORCE_INLINE``)."""
    _reporter(sync_id)("queued", 0)
    if app.config.get("SALESFORCE_INLINE"):
        _execute(app, sync_id)
        return
    thread = threading.Thread(target=_execute, args=(app, sync_id), name=f"salesforce-sync-{sync_id}", daemon=True)
    with _guard:
        _threads[sync_id] = thread
    thread.start()


def wait(sync_id: int, timeout: float | None = None) -> None:
    """Wait for the background sync ``sync_id`` of this process to end."""
    with _guard:
        thread = _threads.get(sync_id)
    if thread is not None:
        thread.join(timeout)


def _execute(app: Flask, sync_id: int) -> None:
    with app.app_context():
        try:
            syncing.run(db.session, sync_id, progress=_reporter(sync_id))
        except Exception:
            logger.exception("Salesforce sync %s broke", sync_id)
        finally:
            with _guard:
                _live.pop(sync_id, None)
                _threads.pop(sync_id, None)
            db.session.remove()
