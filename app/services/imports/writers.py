"""Bulk writing inside the caller's transaction, the fast way on each backend.

PostgreSQL: rows stream through psycopg 3's ``COPY ... FROM STDIN (FORMAT csv)`` on the session's own driver
connection, fed with polars' CSV writer in chunks; changed rows are retired by one ``UPDATE ... FROM`` a
temporary table of ids. SQLite (and any other backend): ``executemany`` in large batches.

Values reach the database in the form each backend stores: decimals as exact text (scaled integers turned back
into ``12.30``), dates as ISO text, datetimes as UTC with offset on PostgreSQL and as Italian wall-clock text on
SQLite (what SQLAlchemy writes for an aware Europe/Rome datetime there).

Everything runs on the caller's connection, so a failure anywhere rolls the whole import back.
"""

from collections.abc import Callable

import polars as pl
from sqlalchemy import Connection
from sqlalchemy import text

from app.services.imports.validation import LOCAL_TIME_ZONE
from app.services.imports.validation import scaled_text

CHUNK = 100_000
KEYS_TABLE = "import_keys"
LOCK_KEY = 0x4D414E44  # one import at a time per database: "MAND"

Progress = Callable[[float], None]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def is_postgres(connection: Connection) -> bool:
    """Return True on PostgreSQL."""
    return connection.dialect.name == "postgresql"


def lock(connection: Connection) -> None:
    """Serialise imports: wait for any other import's transaction to end (PostgreSQL; SQLite has one writer)."""
    if is_postgres(connection):
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


def storage_frame(frame: pl.DataFrame, decimals: dict[str, int], postgres: bool) -> pl.DataFrame:
    """Return ``frame`` with every value in the text or number form the backend stores."""
    converted = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if name in decimals:
            column = scaled_text(column, decimals[name])
        elif dtype == pl.Date:
            column = column.dt.strftime("%Y-%m-%d")
        elif isinstance(dtype, pl.Datetime):
            column = (column.dt.strftime("%Y-%m-%d %H:%M:%S%.6f+00:00") if postgres else
                      column.dt.convert_time_zone(LOCAL_TIME_ZONE).dt.strftime("%Y-%m-%d %H:%M:%S%.6f"))
        elif dtype == pl.Boolean and not postgres:
            column = column.cast(pl.Int8)
        converted.append(column.alias(name))
    return frame.select(converted)


def insert(connection: Connection, table: str, frame: pl.DataFrame, decimals: dict[str, int] | None = None,
           progress: Progress | None = None) -> int:
    """Insert every row of ``frame`` (columns named like the table's) into ``table``; return how many."""
    if frame.height == 0:
        return 0
    postgres = is_postgres(connection)
    stored = storage_frame(frame, decimals or {}, postgres)
    names = ", ".join(_quoted(name) for name in stored.columns)
    done = 0
    if postgres:
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(f"COPY {_quoted(table)} ({names}) FROM STDIN (FORMAT csv)") as copy:
            for chunk in stored.iter_slices(CHUNK):
                copy.write(chunk.write_csv(include_header=False, null_value=""))
                done += chunk.height
                if progress:
                    progress(done / stored.height)
        return done
    marks = ", ".join("?" for _ in stored.columns)
    sql = f"INSERT INTO {_quoted(table)} ({names}) VALUES ({marks})"
    for chunk in stored.iter_slices(CHUNK):
        connection.exec_driver_sql(sql, chunk.rows())
        done += chunk.height
        if progress:
            progress(done / stored.height)
    return done


def retire(connection: Connection, table: str, ids: list[int]) -> int:
    """Mark the rows ``ids`` of a versioned table as no longer current; return how many."""
    if not ids:
        return 0
    if is_postgres(connection):
        connection.exec_driver_sql("CREATE TEMPORARY TABLE IF NOT EXISTS import_retired (id bigint) ON COMMIT DROP")
        connection.exec_driver_sql("TRUNCATE import_retired")
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy("COPY import_retired (id) FROM STDIN") as copy:
            for start in range(0, len(ids), CHUNK):
                copy.write("".join(f"{row_id}\n" for row_id in ids[start:start + CHUNK]))
        connection.exec_driver_sql(
            f"UPDATE {_quoted(table)} AS t SET is_current = false FROM import_retired AS r WHERE t.id = r.id")
        return len(ids)
    sql = f"UPDATE {_quoted(table)} SET is_current = 0 WHERE id = ?"
    for start in range(0, len(ids), CHUNK):
        connection.exec_driver_sql(sql, [(row_id,) for row_id in ids[start:start + CHUNK]])
    return len(ids)


def load_keys(connection: Connection, keys: pl.Series) -> str:
    """Put the distinct non-null ``keys`` in a temporary table (column ``key``) and return the table's name."""
    values = keys.drop_nulls().unique().cast(pl.String)
    if is_postgres(connection):
        connection.exec_driver_sql(f"CREATE TEMPORARY TABLE IF NOT EXISTS {KEYS_TABLE} (key text) ON COMMIT DROP")
        connection.exec_driver_sql(f"TRUNCATE {KEYS_TABLE}")
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(f"COPY {KEYS_TABLE} (key) FROM STDIN (FORMAT csv)") as copy:
            for chunk in values.to_frame("key").iter_slices(CHUNK):
                copy.write(chunk.write_csv(include_header=False))
        connection.exec_driver_sql(f"ANALYZE {KEYS_TABLE}")
        return KEYS_TABLE
    connection.exec_driver_sql(f"CREATE TEMPORARY TABLE IF NOT EXISTS {KEYS_TABLE} (key TEXT PRIMARY KEY)")
    connection.exec_driver_sql(f"DELETE FROM {KEYS_TABLE}")
    sql = f"INSERT INTO {KEYS_TABLE} (key) VALUES (?)"
    for chunk in values.to_frame("key").iter_slices(CHUNK):
        connection.exec_driver_sql(sql, chunk.rows())
    return KEYS_TABLE
