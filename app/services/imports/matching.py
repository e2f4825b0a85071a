"""Matching a file's rows with what is stored: new, changed or unchanged, by external id.

The current versions of the external ids in the file are loaded in one query (the ids go into a temporary
table first, so a million ids cost one join, not a million lookups), in the same canonical form as the file's
typed frame: decimals as scaled integers, dates as dates, datetimes in UTC. Then one polars join compares them:

- no current version: ``new`` (version 1);
- some compared column differs: ``changed`` (next version; the current one is retired, never overwritten);
- all equal: ``unchanged`` (skipped, so importing the same file twice changes nothing).
"""

import io
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Connection

from app.services.imports import writers
from app.services.imports.validation import LOCAL_TIME_ZONE

NEW = "new"
CHANGED = "changed"
UNCHANGED = "unchanged"
OUTCOMES = (NEW, CHANGED, UNCHANGED)
# The column classify adds; named so it never clashes with a table column (service orders have "outcome").
OUTCOME = "__outcome"
FETCH_CHUNK = 100_000


@dataclass(frozen=True)
class Counts:
    """How many rows of a file are new, changed and unchanged."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0

    @classmethod
    def of(cls, frame: pl.DataFrame, column: str = OUTCOME) -> "Counts":
        """Count the outcomes in ``column`` of ``frame``."""
        counted = dict(frame.get_column(column).value_counts().iter_rows()) if frame.height else {}
        return cls(**{outcome: counted.get(outcome, 0) for outcome in OUTCOMES})

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(self.new + other.new, self.changed + other.changed, self.unchanged + other.unchanged)


def scaled(column: str, places: int) -> str:
    """Return SQL reading a decimal column as an integer scaled by ``10 ** places`` (exact on both backends)."""
    return f"CAST(ROUND({column} * {10 ** places}) AS BIGINT)"


def _as(dtype: pl.DataType, series: pl.Series) -> pl.Series:
    """Return ``series`` as ``dtype``, from whatever the driver (or PostgreSQL's CSV output) gave."""
    if series.dtype == dtype:
        return series
    if dtype == pl.Date and series.dtype == pl.String:
        return series.str.to_date("%Y-%m-%d", strict=False)
    if dtype == pl.Boolean and series.dtype == pl.String:
        return series.replace_strict({"t": True, "f": False, "1": True, "0": False}, default=None, return_dtype=pl.Boolean)
    if isinstance(dtype, pl.Datetime):
        if series.dtype == pl.String and series.str.contains(r"[+-]\d\d(:\d\d)?$").any():
            return series.str.to_datetime("%Y-%m-%d %H:%M:%S%.f%#z", time_zone="UTC", time_unit="us", strict=False)
        if series.dtype == pl.String:  # SQLite: Italian wall-clock time, as SQLAlchemy stores it there
            local = series.str.slice(0, 26).str.to_datetime("%Y-%m-%d %H:%M:%S%.f", strict=False, time_unit="us")
            return local.dt.replace_time_zone(LOCAL_TIME_ZONE, ambiguous="earliest").dt.convert_time_zone("UTC")
        if isinstance(series.dtype, pl.Datetime):
            zoned = series if series.dtype.time_zone else series.dt.replace_time_zone(LOCAL_TIME_ZONE)
            return zoned.dt.convert_time_zone("UTC").dt.cast_time_unit("us")
    return series.cast(dtype)


def fetch(connection: Connection, sql: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Run ``sql`` and return its rows as a frame with ``schema`` (PostgreSQL: through ``COPY ... TO STDOUT``)."""
    names = list(schema)
    if writers.is_postgres(connection):
        buffer = io.BytesIO()
        with connection.connection.driver_connection.cursor() as cursor, \
                cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
            for block in copy:
                buffer.write(block)
        if not buffer.tell():
            return pl.DataFrame(schema=schema)
        frame = pl.read_csv(buffer.getvalue(), has_header=False, new_columns=names, infer_schema=False)
        return _typed(frame, schema)
    result = connection.exec_driver_sql(sql)
    chunks = []
    while rows := result.fetchmany(FETCH_CHUNK):  # chunks keep the Python tuples of a big table few at a time
        chunks.append(_typed(pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None), schema))
    return pl.concat(chunks) if chunks else pl.DataFrame(schema=schema)


def _typed(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame([_as(dtype, frame.get_column(name)) for name, dtype in schema.items()])


def current_versions(connection: Connection, table: str, keys: pl.Series, columns: dict[str, str],
                     schema: dict[str, pl.DataType], key_column: str = "external_id") -> pl.DataFrame:
    """Return ``id``, ``version`` and ``columns`` (name → SQL) of the current rows whose key is in ``keys``."""
    keys_table = writers.load_keys(connection, keys)
    selected = ", ".join(f"{sql} AS {name}" for name, sql in columns.items())
    sql = (f"SELECT t.id AS id, t.version AS version, t.{key_column} AS key, {selected} "
           f"FROM {table} AS t JOIN {keys_table} AS k ON t.{key_column} = k.key WHERE t.is_current")
    return fetch(connection, sql, {"id": pl.Int64, "version": pl.Int64, "key": pl.String, **schema})


def classify(incoming: pl.DataFrame, current: pl.DataFrame, key: str, compared: list[str]) -> pl.DataFrame:
    """Add ``outcome``, ``previous_id`` and ``version`` to ``incoming`` by comparing it with ``current``."""
    previous = current.select(
        pl.col("key").alias(key), pl.col("id").alias("previous_id"), pl.col("version").alias("previous_version"),
        *[pl.col(name).alias(f"{name}__current") for name in compared])
    joined = incoming.join(previous, on=key, how="left")
    differs = pl.any_horizontal([pl.col(name).ne_missing(pl.col(f"{name}__current")) for name in compared])
    return joined.with_columns(
        pl.when(pl.col("previous_id").is_null()).then(pl.lit(NEW))
        .when(differs).then(pl.lit(CHANGED)).otherwise(pl.lit(UNCHANGED)).alias(OUTCOME),
        (pl.col("previous_version").fill_null(0) + 1).alias("version"),
    ).drop([f"{name}__current" for name in compared] + ["previous_version"])
