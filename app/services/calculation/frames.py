"""Reading query results into polars frames fast: COPY on PostgreSQL, one fetch on SQLite.

Row-by-row ORM loading cannot feed a million transactions to the engine in seconds; the database streams the
rows as CSV (PostgreSQL) or as plain tuples (SQLite) and polars builds typed columns from them.
"""

import io

import polars as pl
from sqlalchemy import Select
from sqlalchemy.orm import Session


def is_postgres(session: Session) -> bool:
    """Return True when the session talks to PostgreSQL."""
    return session.get_bind().dialect.name == "postgresql"


def read_frame(session: Session, query: Select, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Run ``query`` (whose columns are labelled like ``schema``) and return the rows as a typed frame."""
    if is_postgres(session):
        return _copy_out(session, query, schema)
    # SQLAlchemy already returns typed values (date, datetime, bool) on SQLite
    rows = session.execute(query).all()
    return pl.DataFrame(rows, schema=schema, orient="row")


def _read_schema(schema: dict[str, pl.DataType], boolean_as: pl.DataType) -> dict[str, pl.DataType]:
    # In PostgreSQL's CSV dates arrive as ISO text and booleans as t/f: read them so, then cast.
    read = {}
    for name, dtype in schema.items():
        if dtype == pl.Date or isinstance(dtype, pl.Datetime):
            read[name] = pl.String
        elif dtype == pl.Boolean:
            read[name] = boolean_as
        elif isinstance(dtype, pl.List):
            read[name] = pl.String
        else:
            read[name] = dtype
    return read


def _typed(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    casts = []
    for name, dtype in schema.items():
        column = pl.col(name)
        if dtype == pl.Date:
            casts.append(column.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=True).alias(name))
        elif isinstance(dtype, pl.Datetime):
            casts.append(column.str.slice(0, 19).str.replace("T", " ")
                         .str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit=dtype.time_unit).alias(name))
        elif dtype == pl.Boolean:
            as_text = frame.schema[name] == pl.String
            casts.append((column == "t" if as_text else column.cast(pl.Boolean)).alias(name))
        elif isinstance(dtype, pl.List):
            casts.append(column.str.split(",").list.eval(pl.element().filter(pl.element() != "")).alias(name))
    return frame.with_columns(casts) if casts else frame


def _copy_out(session: Session, query: Select, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    connection = session.connection()
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    buffer = io.BytesIO()
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
        for block in copy:
            buffer.write(block)
    buffer.seek(0)
    if buffer.getbuffer().nbytes == 0:
        return pl.DataFrame(schema=schema)
    frame = pl.read_csv(buffer, schema=_read_schema(schema, pl.String), try_parse_dates=False)
    return _typed(frame, schema)
