"""Contract status events: each change of status of a known contract becomes a new contract version.

The events of a contract are replayed in date order (same-day events in lifecycle order) on its current version:

- forward only: signed → validated → switching → active → terminated (steps may be skipped);
- ``cancelled`` only before activation, ``terminated`` only from ``active``;
- nothing after ``terminated`` or ``cancelled``;
- the event date is never before the signature, and a termination never before the activation.

An activation sets ``activated_on``, a termination or cancellation ``terminated_on`` (the day the supply ended
or the contract was cancelled). An event the contract has already been through (a version with that status, and
for activation and termination the same date) is unchanged, so the same file twice changes nothing; an event
with the current status and another date is a correction and makes a new version. After the first refused event of a contract its later events are not
replayed (they would only repeat the problem).
"""

from datetime import date

import polars as pl
from sqlalchemy.orm import Session

from app.services.imports import layouts
from app.services.imports import matching
from app.services.imports import writers
from app.services.imports.matching import Counts
from app.services.imports.problems import ProblemLog
from app.services.imports.sources import Plan
from app.services.imports.sources import references
from app.services.imports.sources.contracts import CONTRACT

LAYOUT = layouts.STATUS_EVENTS
FORWARD = {"signed": 0, "validated": 1, "switching": 2, "active": 3, "terminated": 4}
BEFORE_ACTIVATION = ("signed", "validated", "switching")
CLOSED = ("terminated", "cancelled")
DATE_OF = {"active": "activated_on", "terminated": "terminated_on", "cancelled": "terminated_on"}
SAME_DAY_ORDER = {**FORWARD, "cancelled": 4}


def _refusal(state: dict, status: str, day: date) -> tuple[str, str, dict] | None:
    """Return (column, code, params) when ``status`` on ``day`` cannot follow ``state``, else None."""
    current = state["status"]
    if current in CLOSED and status != current:
        return "status", "event_after_end", {"current": current}
    if status != current:
        allowed = (current in BEFORE_ACTIVATION if status == "cancelled" else
                   current == "active" if status == "terminated" else FORWARD[status] > FORWARD[current])
        if not allowed:
            return "status", "event_out_of_order", {"current": current, "status": status}
    if day < state["signed_on"]:
        return "event_date", "event_before", {"field": "signed_on", "day": state["signed_on"].isoformat()}
    if status == "terminated" and state["activated_on"] and day < state["activated_on"]:
        return "event_date", "event_before", {"field": "activated_on", "day": state["activated_on"].isoformat()}
    return None


def _next_state(state: dict, event: dict) -> dict | None:
    """Return the contract's state after ``event``, or None when the event changes nothing."""
    status, day, reason = event["status"], event["event_date"], event["reason"]
    field = DATE_OF.get(status)
    if status == state["status"] and (field is None or state[field] == day) and reason in (None, state["status_reason"]):
        return None
    following = {**state, "status": status, "status_reason": reason, "version": state["version"] + 1}
    if field:
        following[field] = day
    return following


def _been_through(history: set[tuple], event: dict) -> bool:
    status = event["status"]
    return (status, event["event_date"] if status in DATE_OF else None) in history


def replay(rows: pl.DataFrame, current: pl.DataFrame, history: dict[str, set[tuple]]) -> tuple[list[dict], list[tuple], Counts]:
    """Replay the events on the current versions; return (new versions, refusals, counts)."""
    states = {row["key"]: row for row in current.iter_rows(named=True)}
    ordered = rows.filter(pl.col("contract_id").is_in(list(states))).with_columns(
        pl.col("status").replace_strict(SAME_DAY_ORDER, default=9).alias("rank")
    ).sort("contract_id", "event_date", "rank", "_row")
    versions, refusals, applied, unchanged, refused = [], [], 0, 0, set()
    for event in ordered.iter_rows(named=True):
        key = event["contract_id"]
        if key in refused or event["status"] is None or event["event_date"] is None:
            continue
        if _been_through(history.get(key, set()), event):
            unchanged += 1
            continue
        problem = _refusal(states[key], event["status"], event["event_date"])
        if problem:
            refused.add(key)
            column, code, params = problem
            refusals.append((event["_row"], column, event[column], code, params))
            continue
        following = _next_state(states[key], event)
        if following is None:
            unchanged += 1
            continue
        applied += 1
        states[key] = following
        versions.append(following)
    return versions, refusals, Counts(changed=applied, unchanged=unchanged)


def _current(session: Session, rows: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, set[tuple]]]:
    """Return the current versions of the file's contracts and, per contract, the states of all its versions."""
    connection = session.connection()
    current = CONTRACT.current(connection, rows.get_column("contract_id"))
    # ``current`` has just loaded the file's contract ids into the keys table: read every version of them.
    versions = matching.fetch(
        connection, f"SELECT t.external_id, t.status, t.activated_on, t.terminated_on FROM contract AS t "
                    f"JOIN {writers.KEYS_TABLE} AS k ON t.external_id = k.key",
        {"key": pl.String, "status": pl.String, "activated_on": pl.Date, "terminated_on": pl.Date})
    history: dict[str, set[tuple]] = {}
    for row in versions.iter_rows(named=True):
        field = DATE_OF.get(row["status"])
        history.setdefault(row["key"], set()).add((row["status"], row[field] if field else None))
    return current, history


def check(session: Session, rows: pl.DataFrame, log: ProblemLog) -> None:
    """Report unknown contracts and events that break the lifecycle."""
    current, history = _current(session, rows)
    references.unknown(log, rows, "contract_id", current.get_column("key"), "unknown_contract")
    _versions, refusals, _counts = replay(rows, current, history)
    for row, column, value, code, params in refusals:
        log.add(row, column, value.isoformat() if isinstance(value, date) else value, code, params)


def match(session: Session, rows: pl.DataFrame, log: ProblemLog, present: frozenset[str]) -> Plan:
    """Work out the new contract versions the events make."""
    current, history = _current(session, rows)
    versions, _refusals, counts = replay(rows, current, history)
    return Plan(counts, {"versions": versions})


def write(session: Session, plan: Plan, batch, user, progress=None) -> None:
    """Retire each changed contract's current version and insert its new versions, the last one current."""
    versions = plan.data["versions"]
    if not versions:
        return
    frame = pl.DataFrame(versions, schema={"id": pl.Int64, "version": pl.Int64, "key": pl.String, **CONTRACT.schema})
    frame = frame.with_columns(pl.col("key").alias("external_id"),
                               (pl.col("version") == pl.col("version").max().over("key")).alias("is_last"))
    connection = session.connection()
    # Every version made here carries the id of the version that was current before the file.
    writers.retire(connection, CONTRACT.table, frame.get_column("id").unique().to_list())
    CONTRACT.insert(connection, frame, batch.id, progress, current=pl.col("is_last"))
