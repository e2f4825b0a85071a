"""Column mappings: which column of the user's file holds which field of the layout, saved per source.

A mapping is a dict ``{field name: column header}``. Headers are matched ignoring case, spaces and
underscores, and a field whose mapped header is missing falls back to a column named like the field, so the
downloadable template always reads. The last mapping used for a source is proposed on its next upload.
"""

import re
from datetime import UTC
from datetime import datetime

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ImportMapping
from app.services.imports.layouts import Layout
from app.services.imports.problems import ProblemLog
from app.services.imports.readers import ROW
from app.services.imports.readers import Table

DEFAULT_NAME = "standard"


def _plain(header: str) -> str:
    return re.sub(r"[\s_\-.]+", "", header).casefold()


def default_columns(layout: Layout) -> dict[str, str]:
    """Return the mapping of the layout's own template: each field in the column of the same name."""
    return {name: name for name in layout.names}


def saved(session: Session, source: str) -> list[ImportMapping]:
    """Return the saved mappings of ``source``, the most recently used first."""
    return list(session.scalars(
        select(ImportMapping).where(ImportMapping.source == source)
        .order_by(ImportMapping.last_used_at.desc().nulls_last(), ImportMapping.name)
    ))


def last_used(session: Session, source: str) -> ImportMapping | None:
    """Return the mapping used most recently for ``source``, if any."""
    mappings = saved(session, source)
    return mappings[0] if mappings else None


def propose(session: Session, layout: Layout, mapping_id: int | None = None) -> tuple[str, dict[str, str]]:
    """Return (name, columns) to propose for an upload: the chosen, else the last used, else the default."""
    chosen = session.get(ImportMapping, mapping_id) if mapping_id else None
    if chosen is None or chosen.source != layout.source:
        chosen = last_used(session, layout.source)
    if chosen is None:
        return DEFAULT_NAME, default_columns(layout)
    return chosen.name, {**default_columns(layout), **clean(layout, chosen.columns)}


def clean(layout: Layout, columns: dict[str, str | None]) -> dict[str, str]:
    """Keep the layout's fields only, with trimmed, non-empty headers."""
    return {name: str(columns[name]).strip() for name in layout.names if columns.get(name) and str(columns[name]).strip()}


def remember(session: Session, user, layout: Layout, name: str, columns: dict[str, str]) -> ImportMapping:
    """Save ``columns`` as the mapping ``name`` of the layout's source and mark it as the last used."""
    name = (name or DEFAULT_NAME).strip()[:80]
    mapping = session.scalar(select(ImportMapping).where(ImportMapping.source == layout.source,
                                                         ImportMapping.name == name))
    if mapping is None:
        mapping = ImportMapping(source=layout.source, name=name, user_id=getattr(user, "id", None))
        session.add(mapping)
    mapping.columns = clean(layout, columns)
    mapping.last_used_at = datetime.now(UTC)
    session.flush()
    return mapping


def resolve(layout: Layout, headers: list[str], columns: dict[str, str]) -> dict[str, str | None]:
    """Return, for each field, the header of the file that holds it (None when the file has none)."""
    by_plain = {}
    for header in headers:
        by_plain.setdefault(_plain(header), header)
    found = {}
    for name in layout.names:
        wanted = columns.get(name) or name
        found[name] = (wanted if wanted in headers else by_plain.get(_plain(wanted))
                       or (name if name in headers else by_plain.get(_plain(name))))
    return found


def apply(layout: Layout, table: Table, columns: dict[str, str]) -> tuple[pl.DataFrame, ProblemLog]:
    """Return the file's rows as one text column per field, and a problem per required column not found."""
    log = ProblemLog()
    found = resolve(layout, table.headers, columns)
    selected = [pl.col(ROW)]
    for field in layout.fields:
        header = found[field.name]
        if header is None:
            selected.append(pl.lit(None, dtype=pl.String).alias(field.name))
            if field.required:
                log.add(1, field.name, columns.get(field.name) or field.name, "column_missing",
                        {"header": columns.get(field.name) or field.name})
        else:
            selected.append(pl.col(header).cast(pl.String).alias(field.name))
    return table.frame.select(selected), log
