"""The yearly FIRR report: the end-of-relationship indemnity the principal pays for each agent by 31 March.

FIRR is computed on the relationship's commissions accrued in the calendar year (the ENASARCO ledger, opening
balances included), by mono-firm or multi-firm mandate as the partner's fiscal profile says on the year's last
day (or on the day the relationship ended). Company agents and partners without ENASARCO have no FIRR. The
thresholds are pro-rated by the months of the relationship in the year; a relationship whose active dates do
not touch the year (an accrual booked after it ended) is not pro-rated.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import EnasarcoLedgerEntry
from app.services.tax_reports import common
from app.services.tax_reports.common import COUNT
from app.services.tax_reports.common import DATE
from app.services.tax_reports.common import TEXT
from app.services.tax_reports.common import Column
from calc.money import ZERO
from calc.tax import firr
from calc.tax import firr_thresholds
from calc.tax import months_active

FIRR_MANDATES = ("mono_firm", "multi_firm")
COLUMNS = (Column("code", TEXT), Column("name", TEXT), Column("mandate", TEXT), Column("months", COUNT),
           Column("commissions"), Column("first_threshold"), Column("second_threshold"), Column("firr"),
           Column("due_date", DATE))


@dataclass(frozen=True)
class FirrRow:
    """One relationship's FIRR for the year (the totals row has no partner)."""

    partner_id: int | None
    code: str
    name: str
    mandate: str
    months: int | None
    commissions: Decimal
    first_threshold: Decimal | None
    second_threshold: Decimal | None
    firr: Decimal
    due_date: date | None = None


@dataclass(frozen=True)
class FirrYear:
    """The FIRR report of a year, one row per relationship, with totals."""

    year: int
    due_date: date
    rows: list[FirrRow] = field(default_factory=list)
    totals: FirrRow | None = None
    columns: tuple[Column, ...] = COLUMNS


def firr_due_date(year: int) -> date:
    """Return the date by which the principal pays the FIRR of ``year``."""
    return date(year + 1, 3, 31)


def firr_year(session: Session, year: int) -> FirrYear:
    """Return the FIRR report of ``year``."""
    entry = EnasarcoLedgerEntry
    sums = dict(session.execute(select(entry.partner_id, common.cents_sum(entry.commissions))
                                .where(entry.year == year).group_by(entry.partner_id)).all())
    partners = common.partners(session, sums)
    histories = common.profiles(session, partners)
    due, year_end = firr_due_date(year), date(year, 12, 31)
    rows = []
    for partner in sorted(partners.values(), key=lambda p: p.code):
        commissions = common.amount(sums[partner.id])
        mandate = common.mandate_of(common.profile_on(histories[partner.id], partner, year_end))
        if mandate not in FIRR_MANDATES or commissions == ZERO:
            continue
        months = months_active(partner.active_from, partner.active_to, year) or 12
        first, second, _ = firr_thresholds(mandate, months, year)
        rows.append(FirrRow(partner.id, partner.code, partner.name, mandate, months, commissions, first, second,
                            firr(mandate, commissions, months, year=year), due))
    totals = FirrRow(None, "", "", "", None, sum((r.commissions for r in rows), ZERO), None, None,
                     sum((r.firr for r in rows), ZERO), due)
    return FirrYear(year, due, rows, totals)
