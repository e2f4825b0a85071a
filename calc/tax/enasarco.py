"""ENASARCO contribution on the commissions of one accrual year of one agency relationship.

Both kinds of agent share one computation: a schedule of bands laid over the relationship's year-to-date
position. An individual or partnership agent has one band from zero to the yearly ceiling (nothing is due
above it); a company agent has the progressive company scale with no ceiling. A statement's amount moves
the position from ``base_ytd`` to ``base_ytd + commissions``; the part of that move inside each band is the
base taxed at the band's rates. Each share is rounded once per year, half up, on its own rates.

``base_ytd`` is the position before the statement: the ENASARCO base already used in the year, as the
worked cases give it, or the commissions accrued so far in the year. Both give the same result for an
invoice (the position is clamped to the ceiling). A credit moves the position back and gives base back,
never below zero; only the commissions to date tell a credit whether the year is still above the ceiling
(commissions of 40,000 against a 30,478 ceiling give back nothing for a 1,000 credit), so callers that can
should pass commissions to date.
"""

from dataclasses import dataclass
from decimal import Decimal

from calc.money import ZERO
from calc.money import round_cents
from calc.tax.errors import TaxError
from calc.tax.inputs import cents
from calc.tax.inputs import checked_profile
from calc.tax.inputs import checked_year
from calc.tax.parameters import company_scale
from calc.tax.parameters import enasarco_year
from calc.tax.profile import TaxProfile


@dataclass(frozen=True)
class EnasarcoBand:
    """The part of a statement's base taxed at one pair of rates."""

    base: Decimal
    agent_rate: Decimal
    principal_rate: Decimal


@dataclass(frozen=True)
class EnasarcoShare:
    """The ENASARCO contribution on one accrual year of a statement."""

    year: int
    commissions: Decimal
    base_ytd: Decimal
    base: Decimal
    agent: Decimal
    principal: Decimal
    bands: tuple[EnasarcoBand, ...]

    @property
    def ytd_after(self) -> Decimal:
        """Return the year-to-date position after this statement, for the next one."""
        return self.base_ytd + self.commissions

    @property
    def total(self) -> Decimal:
        """Return the whole contribution, both shares."""
        return self.agent + self.principal


@dataclass(frozen=True)
class _Band:
    lower: Decimal
    upper: Decimal | None
    agent_rate: Decimal
    principal_rate: Decimal

    def clamp(self, position: Decimal) -> Decimal:
        position = max(position, self.lower)
        return position if self.upper is None else min(position, self.upper)


def _schedule(profile: TaxProfile, year: int) -> tuple[_Band, ...]:
    if profile.on_company_scale:
        bands = []
        lower = ZERO
        for bracket in company_scale(year).brackets:
            bands.append(_Band(lower, bracket.up_to, bracket.agent_rate, bracket.principal_rate))
            lower = bracket.up_to
        return tuple(bands)
    figures = enasarco_year(year)
    override = profile.enasarco_override(year)
    agent_rate = figures.agent_rate if override is None else override.agent_rate
    principal_rate = figures.principal_rate if override is None else override.principal_rate
    return (_Band(ZERO, figures.ceiling(profile.enasarco), agent_rate, principal_rate),)


def enasarco_share(profile: TaxProfile, year: int, commissions: Decimal, base_ytd: Decimal) -> EnasarcoShare:
    """Compute ENASARCO on commissions accruing in ``year`` from the year-to-date position ``base_ytd``."""
    profile = checked_profile(profile)
    year = checked_year(year)
    commissions = cents(commissions, f"commissions accrued in {year}")
    base_ytd = cents(base_ytd, f"enasarco_base_ytd[{year}]")
    if not profile.has_enasarco:
        raise TaxError(f"partner_kind {profile.partner_kind!r} with enasarco 'none' has no ENASARCO")
    start = base_ytd
    end = base_ytd + commissions
    bands = []
    for band in _schedule(profile, year):
        base = band.clamp(end) - band.clamp(start)
        if base:
            bands.append(EnasarcoBand(base, band.agent_rate, band.principal_rate))
    return EnasarcoShare(
        year=year,
        commissions=commissions,
        base_ytd=base_ytd,
        base=sum((band.base for band in bands), ZERO),
        agent=round_cents(sum((band.base * band.agent_rate for band in bands), ZERO)),
        principal=round_cents(sum((band.base * band.principal_rate for band in bands), ZERO)),
        bands=tuple(bands),
    )
