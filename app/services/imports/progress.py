"""Progress of a running validation or import, and the background thread that runs it.

The running import holds one long transaction, so its progress cannot travel inside it. A
:class:`ProgressReporter` keeps the latest phase and percentage in memory (the progress fragment of the same
process reads it at once) and, on PostgreSQL, also writes it to the ``import_batch`` row through a connection
of its own, so every process sees it. SQLite has a single writer: the import's transaction would block those
writes, so there the row is updated only when the run ends.

:func:`start` runs a validation or an import in a daemon thread with its own app context and session: the
embedded default needs no job server. (``workflows.jobs`` queues the service tasks of process instances, not
free-standing work; a job runner can call :func:`app.services.imports.runner.execute` the same way.)
"""

import logging
import threading
import time
from collections.abc import Callable

from flask import Flask
from sqlalchemy import text

from app.extensions import db

logger = logging.getLogger(__name__)

# Each phase fills a share of the bar: reading the file, checking it, matching it, writing.
PHASES = {"reading": (0, 10), "checking": (10, 40), "matching": (40, 55), "writing": (55, 100)}
THROTTLE_SECONDS = 0.3

_live: dict[int, tuple[str, int]] = {}
_threads: dict[int, threading.Thread] = {}
_guard = threading.Lock()


def live(batch_id: int) -> tuple[str, int] | None:
    """Return (phase, percent) of a run of this process on batch ``batch_id``, if one is running."""
    with _guard:
        return _live.get(batch_id)


def is_running(batch_id: int) -> bool:
    """Return True while a thread of this process works on batch ``batch_id``."""
    with _guard:
        thread = _threads.get(batch_id)
    return thread is not None and thread.is_alive()


class ProgressReporter:
    """Report ``(phase, fraction of the phase done)`` for one batch; cheap to call often."""

    def __init__(self, batch_id: int, persist: bool = True) -> None:
        self.batch_id = batch_id
        self.persist = persist
        self._last = 0.0

    def __call__(self, phase: str, fraction: float = 1.0) -> None:
        start, end = PHASES.get(phase, (0, 100))
        percent = int(start + (end - start) * max(0.0, min(1.0, fraction)))
        with _guard:
            _live[self.batch_id] = (phase, percent)
        now = time.monotonic()
        if not self.persist or (now - self._last < THROTTLE_SECONDS and fraction < 1.0):
            return
        self._last = now
        if db.engine.dialect.name != "postgresql":
            return
        try:
            with db.engine.begin() as connection:
                connection.execute(text("UPDATE import_batch SET phase = :phase, progress = :progress WHERE id = :id"),
                                   {"phase": phase, "progress": percent, "id": self.batch_id})
        except Exception:  # progress is advisory: never let it break the import
            logger.exception("could not record the progress of import batch %s", self.batch_id)

    def phase(self, name: str) -> Callable[[float], None]:
        """Return a callback reporting fractions of phase ``name``."""
        return lambda fraction: self(name, fraction)

    def done(self) -> None:
        """Forget the in-memory progress: the batch row now has the outcome."""
        with _guard:
            _live.pop(self.batch_id, None)


def start(app: Flask, batch_id: int, work: Callable[[int], None]) -> threading.Thread:
    """Run ``work(batch_id)`` in a daemon thread inside its own app context; return the thread."""

    def target() -> None:
        with app.app_context():
            try:
                work(batch_id)
            except Exception:
                logger.exception("import batch %s: background run failed", batch_id)
            finally:
                db.session.remove()
                with _guard:
                    _live.pop(batch_id, None)

    thread = threading.Thread(target=target, name=f"import-batch-{batch_id}", daemon=True)
    with _guard:
        _threads[batch_id] = thread
        _live[batch_id] = ("reading", 0)
    thread.start()
    return thread


def wait(batch_id: int, timeout: float | None = None) -> None:
    """Wait for this process's thread on batch ``batch_id`` to end (tests, CLI)."""
    with _guard:
        thread = _threads.get(batch_id)
    if thread is not None:
        thread.join(timeout)
