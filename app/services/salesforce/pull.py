"""Pulling what changed: one SOQL query per object over a window of ``SystemModstamp``.

The window runs from the object's watermark (the end of the last successful sync's window; none for a first
sync, or after a mapping change) to the moment this sync started. ``SystemModstamp`` rather than
``LastModifiedDate`` because it also moves when the system changes a record (a roll-up, a formula's parent),
and it is indexed. The window starts ``OVERLAP`` before the watermark: a record saved in a transaction that
committed just after the last sync read its window is still seen; reading it twice is harmless because the
import path skips unchanged rows.

Deletions: the query goes through ``queryAll``, which also returns records in the recycle bin with
``IsDeleted = true`` (deleting a record moves its ``SystemModstamp``, so it falls in the window). We chose this
over the ``getDeleted`` endpoint because it is the same query, pagination and watermark as the changes, with no
second call per object and no 30-day limit on the window's start; the limit it shares with ``getDeleted`` is
that a record purged from the recycle bin (after 15 days) before a sync reads it is not seen, so the scheduled
sync must run more often than that.
"""

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from app.services.salesforce.client import Client
from app.services.salesforce.mapping import ObjectMapping

OVERLAP = timedelta(minutes=2)


@dataclass
class Pulled:
    """The records of one object in the window: the live ones and the deleted ones."""

    mapping: ObjectMapping
    since: datetime | None
    live: list[dict] = field(default_factory=list)
    deleted: list[dict] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.live) + len(self.deleted)


def soql_time(moment: datetime) -> str:
    """Return ``moment`` as a SOQL datetime literal (UTC, no quotes)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def soql(mapping: ObjectMapping, since: datetime | None, until: datetime) -> str:
    """Return the query of ``mapping``'s records changed in the window (since excluded, until included)."""
    conditions = [f"({mapping.condition})"] if mapping.condition else []
    if since is not None:
        conditions.append(f"SystemModstamp > {soql_time(since - OVERLAP)}")
    conditions.append(f"SystemModstamp <= {soql_time(until)}")
    return (f"SELECT {', '.join(mapping.select_list())} FROM {mapping.sobject} "
            f"WHERE {' AND '.join(conditions)} ORDER BY SystemModstamp, Id")


def pull(client: Client, mapping: ObjectMapping, since: datetime | None, until: datetime,
         progress: Callable[[int, int], None] | None = None) -> Pulled:
    """Read every record of ``mapping`` changed in the window, page by page."""
    pulled = Pulled(mapping, since)
    for page in client.query(soql(mapping, since, until)):
        for record in page.records:
            (pulled.deleted if record.get("IsDeleted") else pulled.live).append(record)
        if progress:
            progress(pulled.count, page.total_size)
    return pulled
