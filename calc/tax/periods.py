"""Calendar rules of the tax items: accrual quarters, months active, and payment due dates.

Accrual dates drive ENASARCO quarters and months active; payment dates drive the withholding, paid with
F24 tax code 1040 (which since 2017 also covers the art. 25-bis withholding on commissions) by the 16th of
the month after payment. ENASARCO is paid quarterly by the principal by the 20th of the second month after
the quarter. Due dates are the calendar dates of the rules: moving one off a weekend or holiday is the
caller's calendar's job.
"""

from dataclasses import dataclass
from datetime import date

from calc.tax.errors import TaxError
from calc.tax.inputs import checked_date
from calc.tax.inputs import checked_year

WITHHOLDING_TAX_CODE = "1040"
WITHHOLDING_DUE_DAY = 16
ENASARCO_DUE_DAY = 20


@dataclass(frozen=True)
class F24Due:
    """A payment due on the F24 form."""

    tax_code: str
    due_date: date


def quarter_of(accrual_date: date) -> int:
    """Return the calendar quarter (1-4) of ``accrual_date``."""
    return (checked_date(accrual_date, "accrual_date").month - 1) // 3 + 1


def months_active(start: date, end: date | None, year: int) -> int:
    """Return the months of ``year`` touched by a relationship from ``start`` to ``end`` (None: ongoing)."""
    start = checked_date(start, "start")
    year = checked_year(year)
    if end is not None and checked_date(end, "end") < start:
        raise TaxError(f"end {end} is before start {start}")
    first = date(year, 1, 1) if start.year < year else start
    last = date(year, 12, 31) if end is None or end.year > year else end
    if first.year != year or last.year != year or last < first:
        return 0
    return last.month - first.month + 1


def withholding_f24(payment_date: date) -> F24Due:
    """Return the F24 tax code and due date of the withholding on a payment made on ``payment_date``."""
    paid = checked_date(payment_date, "payment_date")
    year, month = (paid.year + 1, 1) if paid.month == 12 else (paid.year, paid.month + 1)
    return F24Due(WITHHOLDING_TAX_CODE, date(year, month, WITHHOLDING_DUE_DAY))


def enasarco_due_date(year: int, quarter: int) -> date:
    """Return the date by which the principal pays ENASARCO for ``quarter`` of ``year``."""
    year = checked_year(year)
    if isinstance(quarter, bool) or quarter not in (1, 2, 3, 4):
        raise TaxError(f"quarter: expected 1, 2, 3 or 4, got {quarter!r}")
    if quarter == 4:
        return date(year + 1, 2, ENASARCO_DUE_DAY)
    return date(year, quarter * 3 + 2, ENASARCO_DUE_DAY)
