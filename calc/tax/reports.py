"""Principal-side ENASARCO figures for the quarterly reports: the minimum and its shortfall.

The minimum (minimale) is yearly, on the whole contribution (both shares), pro-rated by the months the
relationship lasted in the year. Any shortfall is charged entirely to the principal in the Q4 report, and
is not due when the relationship produced no commissions in the year (a net total of zero or less).
Company agents have no minimum. ``year_contributions`` is the relationship's ENASARCO of the year, agent and
principal shares together, as computed on its statements.
"""

from decimal import Decimal

from calc.money import ZERO
from calc.money import round_cents
from calc.tax.errors import TaxError
from calc.tax.inputs import cents
from calc.tax.inputs import checked_months
from calc.tax.inputs import checked_profile
from calc.tax.parameters import enasarco_year
from calc.tax.profile import TaxProfile


def enasarco_minimum(profile: TaxProfile, year: int, months_active: int = 12) -> Decimal:
    """Return the ENASARCO minimum of a relationship active ``months_active`` months of ``year``."""
    profile = checked_profile(profile)
    months = checked_months(months_active)
    if not profile.has_enasarco:
        raise TaxError(f"partner_kind {profile.partner_kind!r} with enasarco 'none' has no ENASARCO minimum")
    figures = enasarco_year(year)  # an unknown year fails even for company agents
    if profile.on_company_scale:
        return ZERO
    return round_cents(figures.minimum(profile.enasarco) * months / 12)


def enasarco_shortfall(
    profile: TaxProfile,
    year: int,
    year_commissions: Decimal,
    year_contributions: Decimal,
    months_active: int = 12,
) -> Decimal:
    """Return the yearly minimum not covered by the year's contributions (both shares), due by the principal."""
    minimum = enasarco_minimum(profile, year, months_active)
    commissions = cents(year_commissions, "year_commissions")
    contributions = cents(year_contributions, "year_contributions")
    if commissions <= 0:
        return ZERO
    return max(minimum - contributions, ZERO)
