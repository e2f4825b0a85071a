"""The common path of the versioned sources (contracts, billing lines, service orders): match, then bulk write.

A :class:`VersionedTable` says which table a source feeds, which file field holds the external id and which
table column each file field fills. Matching compares the current versions with the file (see
:mod:`app.services.imports.matching`); writing retires the current version of each changed row and inserts
the new and changed rows as new versions of their own, each carrying the import batch id.
"""

from dataclasses import dataclass
from dataclasses import field

import polars as pl
from sqlalchemy import Connection

from app.services.imports import matching
from app.services.imports import writers
from app.services.imports.matching import CHANGED
from app.services.imports.matching import NEW
from app.services.imports.matching import OUTCOME


@dataclass(frozen=True)
class VersionedTable:
    """Where a versioned source's rows go: ``columns`` maps table column → typed frame column.

    ``expressions`` overrides the SQL that reads a column's current value (to compare a reference by its
    external id rather than its row id, say).
    """

    table: str
    key: str
    columns: dict[str, str]
    schema: dict[str, pl.DataType]
    decimals: dict[str, int]
    expressions: dict[str, str] = field(default_factory=dict)

    def incoming(self, typed: pl.DataFrame) -> pl.DataFrame:
        """Return the file's rows with the table's column names (``external_id`` for the key)."""
        return typed.select(pl.col("_row"), pl.col(self.key).alias("external_id"),
                            *[pl.col(source).alias(column) for column, source in self.columns.items()])

    def current(self, connection: Connection, keys: pl.Series) -> pl.DataFrame:
        """Return the current versions of ``keys`` in the canonical form of the file's rows."""
        sql = {column: self.expressions.get(column) or (
            matching.scaled(f"t.{column}", self.decimals[column]) if column in self.decimals else f"t.{column}")
            for column in self.columns}
        return matching.current_versions(connection, self.table, keys, sql, self.schema)

    def match(self, connection: Connection, rows: pl.DataFrame) -> pl.DataFrame:
        """Classify ``rows`` (from :meth:`incoming`) as new, changed or unchanged."""
        current = self.current(connection, rows.get_column("external_id"))
        return matching.classify(rows, current, "external_id", list(self.columns))

    def write(self, connection: Connection, matched: pl.DataFrame, batch_id: int,
              progress: writers.Progress | None = None) -> int:
        """Retire the changed rows' current versions and insert the new versions; return rows inserted."""
        changed = matched.filter(pl.col(OUTCOME) == CHANGED).get_column("previous_id").to_list()
        writers.retire(connection, self.table, changed)
        return self.insert(connection, matched.filter(pl.col(OUTCOME).is_in([NEW, CHANGED])), batch_id, progress)

    def insert(self, connection: Connection, rows: pl.DataFrame, batch_id: int,
               progress: writers.Progress | None = None, current: pl.Expr | None = None) -> int:
        """Insert ``rows`` (with ``external_id``, ``version`` and the table's columns) as batch ``batch_id``."""
        frame = rows.select(
            pl.col("external_id"), pl.col("version").cast(pl.Int64),
            (pl.lit(True) if current is None else current).alias("is_current"),
            pl.lit(batch_id, dtype=pl.Int64).alias("import_batch_id"),
            *[pl.col(column) for column in self.columns],
        )
        return writers.insert(connection, self.table, frame, self.decimals, progress)
