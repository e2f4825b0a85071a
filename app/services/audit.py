"""Writing the audit log: every service that changes state calls ``record`` in the same transaction."""

from datetime import date
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from app.models import AuditEntry


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "value") and hasattr(value, "name"):  # enum members
        return value.value
    return value


def record(session: Session, user, action: str, entity_type: str, entity_id=None, *,
           before: dict | None = None, after: dict | None = None, summary: str | None = None) -> AuditEntry:
    """Append one audit entry for a state change made by ``user`` (None for the system)."""
    entry = AuditEntry(
        user_id=getattr(user, "id", None),
        actor=getattr(user, "username", None) or "system",
        action=action,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        before=_plain(before),
        after=_plain(after),
        summary=summary,
    )
    session.add(entry)
    return entry


def changes(obj, fields: list[str], new_values: dict) -> tuple[dict, dict]:
    """Return (before, after) for the fields of ``obj`` that ``new_values`` changes."""
    before, after = {}, {}
    for field in fields:
        old = getattr(obj, field)
        new = new_values.get(field, old)
        if old != new:
            before[field], after[field] = old, new
    return _plain(before), _plain(after)
