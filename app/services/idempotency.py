"""Idempotency keys of API POSTs: a retry with the same key and the same request gets the stored response.

Following the IETF draft "The Idempotency-Key HTTP Header Field": the key is chosen by the client and scoped
to its token; the request is fingerprinted by method, path and the canonical JSON of its body (so key order and
whitespace do not matter); a key reused with another request is an error. Only successful responses are kept,
in the same transaction as the data they describe, so a stored response always means the data is written.

A key is kept for ``IDEMPOTENCY_KEY_HOURS`` (24 by default), as the draft lets the server choose: a retry comes
within minutes, and a key older than that is forgotten, so a request reusing it is a new request. ``purge``
deletes the forgotten keys (``flask api purge-idempotency-keys``).
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from flask import current_app
from flask import has_app_context
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import IdempotencyKey
from workflows import clock

DEFAULT_HOURS = 24


@dataclass(frozen=True)
class Stored:
    """A stored response and whether the request now made is the same one."""

    status: int
    body: str
    same_request: bool


def canonical(payload) -> str:
    """Return ``payload`` as canonical JSON text (sorted keys, no spaces; decimals as written)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def fingerprint(method: str, path: str, canonical_body: str) -> str:
    """Return the sha256 of the request: method, path and the canonical JSON of its body."""
    return hashlib.sha256(f"{method.upper()} {path}\n{canonical_body}".encode()).hexdigest()


def retention() -> timedelta:
    """Return how long a key is replayed: ``IDEMPOTENCY_KEY_HOURS`` of the app's configuration."""
    hours = current_app.config.get("IDEMPOTENCY_KEY_HOURS", DEFAULT_HOURS) if has_app_context() else DEFAULT_HOURS
    return timedelta(hours=hours)


def find(session: Session, token_id: int, key: str, request_hash: str) -> Stored | None:
    """Return the stored response of ``key`` for the token, or None when the key is new or has expired."""
    row = _row(session, token_id, key)
    if row is None or _expired(row, clock.now()):
        return None
    return Stored(row.response_status, row.response_body, row.request_hash == request_hash)


def remember(session: Session, token_id: int, key: str, method: str, path: str, request_hash: str, status: int,
             body: str) -> None:
    """Keep the response of a successful request in the caller's transaction."""
    now = clock.now()
    # an expired key is deleted at once, not at the flush (which inserts before it deletes): the new row takes it
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.token_id == token_id, IdempotencyKey.key == key,
                                                 IdempotencyKey.created_at < now - retention()))
    session.add(IdempotencyKey(token_id=token_id, key=key, method=method.upper(), path=path[:255],
                               request_hash=request_hash, response_status=status, response_body=body,
                               created_at=now))


def purge(session: Session, now: datetime | None = None) -> int:
    """Delete the keys older than the retention, in the caller's transaction; return how many."""
    cutoff = (now or clock.now()) - retention()
    result = session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
    return result.rowcount or 0


def _row(session: Session, token_id: int, key: str) -> IdempotencyKey | None:
    return session.scalar(select(IdempotencyKey).where(IdempotencyKey.token_id == token_id,
                                                       IdempotencyKey.key == key))


def _expired(row: IdempotencyKey, now: datetime) -> bool:
    return clock.as_utc(row.created_at) < now - retention()
