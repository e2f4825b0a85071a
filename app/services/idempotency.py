"""Idempotency keys of API POSTs: a retry with the same key and the same request gets the stored response.

Following the IETF draft "The Idempotency-Key HTTP Header Field": the key is chosen by the client and scoped
to its token; the request is fingerprinted by method, path and the canonical JSON of its body (so key order and
whitespace do not matter); a key reused with another request is an error. Only successful responses are kept,
in the same transaction as the data they describe, so a stored response always means the data is written.
"""

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import IdempotencyKey


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


def find(session: Session, token_id: int, key: str, request_hash: str) -> Stored | None:
    """Return the stored response of ``key`` for the token, or None when the key is new."""
    row = session.scalar(select(IdempotencyKey).where(IdempotencyKey.token_id == token_id,
                                                      IdempotencyKey.key == key))
    if row is None:
        return None
    return Stored(row.response_status, row.response_body, row.request_hash == request_hash)


def remember(session: Session, token_id: int, key: str, method: str, path: str, request_hash: str, status: int,
             body: str) -> None:
    """Keep the response of a successful request in the caller's transaction."""
    session.add(IdempotencyKey(token_id=token_id, key=key, method=method.upper(), path=path[:255],
                               request_hash=request_hash, response_status=status, response_body=body))
