"""The monthly withholding summary for the F24 form: tax code 1040, due the 16th of the month after payment.

The withholding is due on the invoices paid in the month. Mandato records no payment date yet, so the date an
invoice was issued stands for its payment date (the page says so). A month runs from midnight to midnight in
the company's time zone, so an invoice issued late on the last evening of a month belongs to that month.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Invoice
from app.services.tax_reports import common
from app.services.tax_reports.common import COUNT
from app.services.tax_reports.common import DATE
from app.services.tax_reports.common import TEXT
from app.services.tax_reports.common import Column
from calc.inputs import next_month
from calc.money import ZERO
from calc.tax import withholding_f24
from workflows import clock

COMPANY_TIME_ZONE = clock.COMPANY_TIME_ZONE.key
PAYMENT_DATE_SOURCE = "issued_at"  # no payment date is recorded: the issue date stands for it
COLUMNS = (Column("code", TEXT), Column("name", TEXT), Column("invoices", COUNT), Column("taxable"),
           Column("withholding"), Column("tax_code", TEXT), Column("due_date", DATE))


@dataclass(frozen=True)
class WithholdingRow:
    """One partner's withholding on the invoices paid in the month (the totals row has no partner)."""

    partner_id: int | None
    code: str
    name: str
    invoices: int
    taxable: Decimal
    withholding: Decimal
    tax_code: str = ""
    due_date: date | None = None


@dataclass(frozen=True)
class WithholdingMonth:
    """The F24 withholding summary of a month, one row per partner, with totals."""

    month: date
    tax_code: str
    due_date: date
    payment_date_source: str = PAYMENT_DATE_SOURCE
    rows: list[WithholdingRow] = field(default_factory=list)
    totals: WithholdingRow | None = None
    columns: tuple[Column, ...] = COLUMNS


def _instant(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


def withholding_month(session: Session, month: date, time_zone: str = COMPANY_TIME_ZONE) -> WithholdingMonth:
    """Return the withholding summary of the invoices paid in ``month`` (any day of it)."""
    first = month.replace(day=1)
    after = next_month(first)
    zone = ZoneInfo(time_zone)
    f24 = withholding_f24(after - timedelta(days=1))
    query = (select(Invoice.partner_id, func.count(Invoice.id), common.cents_sum(Invoice.taxable),
                    common.cents_sum(Invoice.withholding))
             .where(Invoice.issued_at >= _instant(first, zone), Invoice.issued_at < _instant(after, zone),
                    Invoice.withholding != 0)
             .group_by(Invoice.partner_id))
    sums = {pid: (count, taxable, withheld) for pid, count, taxable, withheld in session.execute(query)}
    partners = common.partners(session, sums)
    rows = [WithholdingRow(p.id, p.code, p.name, int(sums[p.id][0]), common.amount(sums[p.id][1]),
                           common.amount(sums[p.id][2]), f24.tax_code, f24.due_date)
            for p in sorted(partners.values(), key=lambda p: p.code)]
    totals = WithholdingRow(None, "", "", sum(r.invoices for r in rows), sum((r.taxable for r in rows), ZERO),
                            sum((r.withholding for r in rows), ZERO), f24.tax_code, f24.due_date)
    return WithholdingMonth(first, f24.tax_code, f24.due_date, rows=rows, totals=totals)
