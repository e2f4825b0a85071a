"""Reading an uploaded file into columns of text: CSV (any common separator) and XLSX.

Every value comes out as text exactly as the user wrote it (or as the spreadsheet shows it), so validation can
quote it back in the report; nothing is typed here. Rows keep their spreadsheet row number (the header is row 1)
in ``_row``, and blank rows are dropped after numbering so the numbers still match the file.

CSV: UTF-8 (with or without BOM), falling back to Windows-1252 as Italian spreadsheets often save it; the
separator is the most frequent of ``;``, ``,``, tab and ``|`` on the header line. Parsing is polars' CSV reader,
so a million lines take well under a second.

XLSX: the first sheet, read with openpyxl in read-only mode (rows stream, the workbook is never loaded whole).
A numeric cell is a binary float inside the file; it is written back as the shortest decimal that round-trips
(``61.35``, never ``61.349999``), which is the number the user typed, and is parsed as an exact decimal later.
"""

import io
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from decimal import Decimal
from pathlib import Path

import polars as pl

ROW = "_row"
SEPARATORS = (";", ",", "\t", "|")
EXTENSIONS = (".csv", ".xlsx")


class ReadError(ValueError):
    """The file cannot be read as a table (not CSV/XLSX, ragged lines, no header)."""


@dataclass(frozen=True)
class Table:
    """The file's header and its rows as text columns, plus the row number column ``_row``."""

    headers: list[str]
    frame: pl.DataFrame

    @property
    def row_count(self) -> int:
        """Return the number of data rows."""
        return self.frame.height


def read(data: bytes, file_name: str) -> Table:
    """Read ``data`` (the bytes of ``file_name``) into a :class:`Table`."""
    suffix = Path(file_name).suffix.lower()
    if suffix == ".csv":
        return read_csv(data)
    if suffix == ".xlsx":
        return read_xlsx(data)
    raise ReadError(f"unsupported file type {suffix or '(none)'}: use .csv or .xlsx")


def read_path(path: Path, file_name: str | None = None) -> Table:
    """Read the file at ``path`` (named ``file_name`` when it was uploaded under another name)."""
    return read(path.read_bytes(), file_name or path.name)


def _utf8(data: bytes) -> bytes:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace").encode("utf-8")
    return data


def _separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in SEPARATORS}
    return max(counts, key=counts.get)


def read_csv(data: bytes) -> Table:
    """Read CSV bytes into a :class:`Table`."""
    data = _utf8(data)
    first_line = data[: data.find(b"\n") if b"\n" in data else len(data)].decode("utf-8", errors="replace")
    if not first_line.strip():
        raise ReadError("the file is empty or its first line (the header) is blank")
    try:
        frame = pl.read_csv(io.BytesIO(data), separator=_separator(first_line), infer_schema=False,
                            has_header=True, quote_char='"')
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise ReadError(str(exc).splitlines()[0]) from exc
    headers = [name.strip() for name in frame.columns]
    frame = frame.rename(dict(zip(frame.columns, headers, strict=True)))
    return _numbered(headers, frame)


def _numbered(headers: list[str], frame: pl.DataFrame) -> Table:
    frame = frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    if headers:
        blank = pl.all_horizontal(pl.col(h).is_null() | (pl.col(h).str.strip_chars() == "") for h in headers)
        frame = frame.filter(~blank)
    return Table(headers=headers, frame=frame)


def cell_text(value) -> str | None:
    """Return the text of a spreadsheet cell value, decimals without float artefacts."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def read_xlsx(data: bytes) -> Table:
    """Read the first sheet of XLSX bytes into a :class:`Table`."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or non-XLSX file
        raise ReadError(f"not a readable XLSX workbook ({exc.__class__.__name__})") from exc
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            raise ReadError("the first sheet is empty")
        headers = [("" if value is None else str(value)).strip() for value in header_row]
        while headers and not headers[-1]:
            headers.pop()
        columns: list[list[str | None]] = [[] for _ in headers]
        width = len(headers)
        for row in rows:
            padded = tuple(row[:width]) + (None,) * (width - len(row))
            for values, value in zip(columns, padded, strict=True):
                values.append(cell_text(value))
    finally:
        workbook.close()
    names = _unique(headers)
    frame = pl.DataFrame({name: values for name, values in zip(names, columns, strict=True)},
                         schema={name: pl.String for name in names})
    return _numbered(names, frame)


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for index, header in enumerate(headers):
        name = header or f"column_{index + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_duplicated_{seen[name] - 1}"
        else:
            seen[name] = 0
        names.append(name)
    return names
