"""The CSV layout of the accounting export: columns, separator, number and date formats (see
docs/accounting-export.md; a change here is a change of that document)."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from calc.money import CENT

SEPARATOR = ";"
ENCODING = "utf-8"
LINE_END = "\r\n"
CURRENCY = "EUR"
TEXT_LENGTH = 50
COLUMNS = (
    "company_code",
    "document_type",
    "vendor_number",
    "partner_code",
    "document_date",
    "posting_date",
    "invoice_number",
    "period",
    "line_number",
    "line_type",
    "gl_account",
    "cost_centre",
    "tax_code",
    "withholding_code",
    "amount",
    "debit_credit",
    "currency",
    "text",
)


@dataclass(frozen=True)
class Row:
    """One posting line as written: document fields repeated on every line of the invoice."""

    company_code: str
    document_type: str
    vendor_number: str
    partner_code: str
    document_date: date
    posting_date: date
    invoice_number: str
    period: str
    line_number: int
    line_type: str
    gl_account: str
    cost_centre: str
    tax_code: str
    withholding_code: str
    signed_amount: Decimal  # debit positive, credit negative
    text: str

    def values(self) -> list[str]:
        """Return the row's fields as the file writes them."""
        return [self.company_code, self.document_type, self.vendor_number, self.partner_code,
                self.document_date.isoformat(), self.posting_date.isoformat(), self.invoice_number, self.period,
                str(self.line_number), self.line_type, self.gl_account, self.cost_centre, self.tax_code,
                self.withholding_code, amount_text(self.signed_amount), "D" if self.signed_amount >= 0 else "C",
                CURRENCY, self.text[:TEXT_LENGTH]]


def amount_text(signed: Decimal) -> str:
    """Return the unsigned amount with two decimals and a point: Decimal("-1234.5") -> "1234.50"."""
    return format(abs(signed).quantize(CENT), "f")


def to_csv(rows: Iterable[Row]) -> bytes:
    """Return the file: a header line, then one line per posting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=SEPARATOR, lineterminator=LINE_END, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    writer.writerows(row.values() for row in rows)
    return buffer.getvalue().encode(ENCODING)
