"""The quarterly ENASARCO report: what the principal pays for each agency relationship in a quarter.

A quarter holds the statements of its three monthly periods; their ledger entries give the commissions, the
ENASARCO base (within the yearly ceiling, as computed when each statement was published) and the two shares.
An accrual of an earlier year booked in a later statement is reported with that statement's quarter.

The Q4 report also charges the principal the year's minimum shortfall of each individual or partnership agent:
the minimum pro-rated by the months of the relationship in the year (the partner's active dates), less the
contributions of the year (both shares, opening balances included), not due when the year's commissions are
nil. Company agents have no minimum.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import CommissionPeriod
from app.models import EnasarcoLedgerEntry
from app.models import FiscalProfile
from app.models import Partner
from app.models import Statement
from app.services import fiscal
from app.services.tax_reports import common
from app.services.tax_reports.common import COUNT
from app.services.tax_reports.common import DATE
from app.services.tax_reports.common import TEXT
from app.services.tax_reports.common import Column
from calc.money import ZERO
from calc.tax import enasarco_due_date
from calc.tax import enasarco_minimum
from calc.tax import enasarco_shortfall
from calc.tax import months_active

SHARES = ("commissions", "base", "agent_share", "principal_share")
COLUMNS = (Column("code", TEXT), Column("name", TEXT), Column("mandate", TEXT), Column("commissions"),
           Column("base"), Column("agent_share"), Column("principal_share"), Column("contribution"))
Q4_COLUMNS = (Column("year_commissions"), Column("year_contributions"), Column("months", COUNT),
              Column("minimum"), Column("shortfall"))
END_COLUMNS = (Column("total"), Column("due_date", DATE))


@dataclass(frozen=True)
class EnasarcoRow:
    """One relationship's ENASARCO for the quarter (the totals row has no partner)."""

    partner_id: int | None
    code: str
    name: str
    mandate: str
    commissions: Decimal = ZERO
    base: Decimal = ZERO
    agent_share: Decimal = ZERO
    principal_share: Decimal = ZERO
    year_commissions: Decimal | None = None
    year_contributions: Decimal | None = None
    months: int | None = None
    minimum: Decimal | None = None
    shortfall: Decimal = ZERO
    due_date: date | None = None

    @property
    def contribution(self) -> Decimal:
        """Return the quarter's contribution, both shares."""
        return self.agent_share + self.principal_share

    @property
    def total(self) -> Decimal:
        """Return what the principal pays for the quarter: both shares and any minimum shortfall."""
        return self.contribution + self.shortfall


@dataclass(frozen=True)
class EnasarcoQuarter:
    """The ENASARCO report of a quarter, one row per relationship, with totals."""

    year: int
    quarter: int
    first_month: date
    last_month: date
    due_date: date
    rows: list[EnasarcoRow] = field(default_factory=list)
    totals: EnasarcoRow | None = None

    @property
    def columns(self) -> tuple[Column, ...]:
        """Return the report's columns (the minimum shortfall only in Q4)."""
        return COLUMNS + (Q4_COLUMNS if self.quarter == 4 else ()) + END_COLUMNS


def _quarter_sums(session: Session, first: date, last: date) -> dict[int, dict[str, Decimal]]:
    entry = EnasarcoLedgerEntry
    query = (select(entry.partner_id, *(common.cents_sum(getattr(entry, name)) for name in SHARES))
             .join(Statement, Statement.id == entry.statement_id)
             .join(CommissionPeriod, CommissionPeriod.id == Statement.period_id)
             .where(CommissionPeriod.month >= first, CommissionPeriod.month <= last)
             .group_by(entry.partner_id))
    return {row[0]: dict(zip(SHARES, map(common.amount, row[1:]), strict=True)) for row in session.execute(query)}


def _year_sums(session: Session, year: int) -> dict[int, tuple[Decimal, Decimal]]:
    entry = EnasarcoLedgerEntry
    query = (select(entry.partner_id, common.cents_sum(entry.commissions),
                    common.cents_sum(entry.agent_share), common.cents_sum(entry.principal_share))
             .where(entry.year == year).group_by(entry.partner_id))
    return {pid: (common.amount(commissions), common.amount(agent) + common.amount(principal))
            for pid, commissions, agent, principal in session.execute(query)}


def _shortfall(profile: FiscalProfile | None, partner: Partner, year: int,
               year_sums: tuple[Decimal, Decimal]) -> dict:
    """Return the Q4 columns of a relationship: the year's figures, its pro-rated minimum and the shortfall."""
    commissions, contributions = year_sums
    figures = {"year_commissions": commissions, "year_contributions": contributions}
    months = months_active(partner.active_from, partner.active_to, year)
    if common.mandate_of(profile) not in ("mono_firm", "multi_firm") or months == 0:
        return figures
    profile = fiscal.tax_profile(profile)
    return figures | {"months": months, "minimum": enasarco_minimum(profile, year, months),
                      "shortfall": enasarco_shortfall(profile, year, commissions, contributions, months)}


def enasarco_quarter(session: Session, year: int, quarter: int) -> EnasarcoQuarter:
    """Return the ENASARCO report of ``quarter`` of ``year``."""
    due = enasarco_due_date(year, quarter)  # checks the year and the quarter
    first, last = date(year, quarter * 3 - 2, 1), date(year, quarter * 3, 1)
    sums = _quarter_sums(session, first, last)
    year_sums = _year_sums(session, year) if quarter == 4 else {}
    partners = common.partners(session, set(sums) | set(year_sums))
    histories = common.profiles(session, partners)
    quarter_end = date(year, 12, 31) if quarter == 4 else date(year, quarter * 3 + 1, 1) - timedelta(days=1)
    rows = []
    for partner in sorted(partners.values(), key=lambda p: p.code):
        profile = common.profile_on(histories[partner.id], partner, quarter_end)
        extra = _shortfall(profile, partner, year, year_sums[partner.id]) if partner.id in year_sums else {}
        if partner.id not in sums and not extra.get("shortfall"):
            continue
        rows.append(EnasarcoRow(partner.id, partner.code, partner.name, common.mandate_of(profile),
                                **sums.get(partner.id, {}), **extra, due_date=due))
    return EnasarcoQuarter(year, quarter, first, last, due, rows, _totals(rows, quarter, due))


def _totals(rows: list[EnasarcoRow], quarter: int, due: date) -> EnasarcoRow:
    def total(name):
        return sum((getattr(row, name) or ZERO for row in rows), ZERO)

    q4 = {name: total(name) for name in ("year_commissions", "year_contributions")} if quarter == 4 else {}
    return EnasarcoRow(None, "", "", "", **{name: total(name) for name in SHARES}, **q4, shortfall=total("shortfall"),
                       due_date=due)
