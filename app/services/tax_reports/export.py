"""CSV and XLSX files of a tax report, for the accountants.

CSV follows the Italian spreadsheet convention: ``;`` between fields, a comma before the cents and no
thousands separator, dates as dd/mm/yyyy, UTF-8 with a byte-order mark, so Excel and LibreOffice with Italian
settings open it as numbers and dates without an import wizard. XLSX cells are real numbers (two decimals
shown) and real dates. Both end with a totals row.
"""

import csv
import io
from datetime import date
from decimal import Decimal

from app.services.tax_reports.common import COUNT
from app.services.tax_reports.common import DATE
from app.services.tax_reports.common import MONEY
from app.services.tax_reports.common import TEXT

CSV_DELIMITER = ";"
XLSX_MONEY_FORMAT = "#,##0.00"
XLSX_DATE_FORMAT = "DD/MM/YYYY"


def csv_value(value, kind: str) -> str:
    """Return a cell of the CSV file."""
    if value is None:
        return ""
    if kind == MONEY:
        return f"{Decimal(value):.2f}".replace(".", ",")
    if kind == DATE:
        return value.strftime("%d/%m/%Y")
    return str(value)


def _lines(report, total_label: str, value_labels: dict | None) -> list[list]:
    """Return the rows then the totals row as lists of values, coded values replaced by their labels."""
    value_labels = value_labels or {}
    lines = []
    for row in [*report.rows, report.totals]:
        cells = []
        for column in report.columns:
            value = getattr(row, column.key)
            cells.append(value_labels.get(column.key, {}).get(value, value) if column.kind == TEXT else value)
        lines.append(cells)
    lines[-1][0] = total_label
    return lines


def to_csv(report, headers: list[str], total_label: str, value_labels: dict | None = None) -> bytes:
    """Return the report as an Italian-convention CSV file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(headers)
    for line in _lines(report, total_label, value_labels):
        writer.writerow([csv_value(value, column.kind) for value, column in zip(line, report.columns, strict=True)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(report, headers: list[str], total_label: str, title: str, value_labels: dict | None = None) -> bytes:
    """Return the report as an XLSX workbook with numeric and date cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    columns = report.columns
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(headers)
    for line in _lines(report, total_label, value_labels):
        sheet.append(line)
    for column, cells in zip(columns, sheet.iter_cols(min_row=2), strict=True):
        number_format = {MONEY: XLSX_MONEY_FORMAT, DATE: XLSX_DATE_FORMAT, COUNT: "0"}.get(column.kind)
        for cell in cells:
            if number_format and isinstance(cell.value, Decimal | date | int):
                cell.number_format = number_format
    for cell in (*sheet[1], *sheet[sheet.max_row]):
        cell.font = Font(bold=True)
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(12, len(header) + 2)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
