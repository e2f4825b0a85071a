"""Dated tax and social-security figures: the only place a rate, ceiling, minimum or threshold lives.

Every table is a tuple of frozen rows, each covering whole calendar years. Adding a year means adding
(or extending) rows here, never code. A year no row covers raises ``TaxError``: there is no fallback to
the nearest year, because ENASARCO publishes new figures every February.

Sources: ../shared/domain/italian-tax.md (art. 25 and 25-bis DPR 600/1973, ENASARCO circulars).
"""

from dataclasses import dataclass
from decimal import Decimal

from calc.tax.errors import TaxError


@dataclass(frozen=True)
class TaxRates:
    """VAT, income-tax withholding and stamp-duty figures for a span of years."""

    first_year: int
    last_year: int
    vat_rate: Decimal
    withholding_rate: Decimal  # art. 25-bis: first IRPEF bracket rate, on a share of the commissions
    withholding_base_share: Decimal
    reduced_withholding_base_share: Decimal  # agent declared employees or third parties
    professional_withholding_rate: Decimal  # art. 25: on the whole fee
    stamp_duty: Decimal
    stamp_threshold: Decimal  # the stamp is due when the amount without VAT exceeds this

    def covers(self, year: int) -> bool:
        """Tell whether this row applies to ``year``."""
        return self.first_year <= year <= self.last_year


@dataclass(frozen=True)
class EnasarcoYear:
    """ENASARCO rates, ceilings and minimums of one year for individual and partnership agents."""

    year: int
    agent_rate: Decimal
    principal_rate: Decimal
    multi_firm_ceiling: Decimal
    multi_firm_minimum: Decimal
    mono_firm_ceiling: Decimal
    mono_firm_minimum: Decimal

    def covers(self, year: int) -> bool:
        """Tell whether this row applies to ``year``."""
        return self.year == year

    @property
    def total_rate(self) -> Decimal:
        """Return the full contribution rate, both shares."""
        return self.agent_rate + self.principal_rate

    def ceiling(self, mandate: str) -> Decimal:
        """Return the yearly ceiling (massimale) for a mono-firm or multi-firm mandate."""
        return self.mono_firm_ceiling if mandate == "mono_firm" else self.multi_firm_ceiling

    def minimum(self, mandate: str) -> Decimal:
        """Return the yearly minimum (minimale) for a mono-firm or multi-firm mandate."""
        return self.mono_firm_minimum if mandate == "mono_firm" else self.multi_firm_minimum


@dataclass(frozen=True)
class CompanyBracket:
    """One bracket of the company ENASARCO scale; ``up_to`` None means no upper bound."""

    up_to: Decimal | None
    agent_rate: Decimal
    principal_rate: Decimal


@dataclass(frozen=True)
class CompanyScale:
    """The progressive ENASARCO scale of company agents (no ceiling, no minimum)."""

    first_year: int
    last_year: int
    brackets: tuple[CompanyBracket, ...]

    def covers(self, year: int) -> bool:
        """Tell whether this row applies to ``year``."""
        return self.first_year <= year <= self.last_year


@dataclass(frozen=True)
class FirrBracket:
    """One bracket of the FIRR scale; ``up_to`` None means no upper bound."""

    up_to: Decimal | None
    rate: Decimal


@dataclass(frozen=True)
class FirrScale:
    """The yearly FIRR brackets for mono-firm and multi-firm mandates."""

    first_year: int
    last_year: int
    mono_firm: tuple[FirrBracket, ...]
    multi_firm: tuple[FirrBracket, ...]

    def covers(self, year: int) -> bool:
        """Tell whether this row applies to ``year``."""
        return self.first_year <= year <= self.last_year

    def brackets(self, mandate: str) -> tuple[FirrBracket, ...]:
        """Return the brackets of a mono-firm or multi-firm mandate."""
        return self.mono_firm if mandate == "mono_firm" else self.multi_firm


TAX_RATES = (
    TaxRates(
        first_year=2022,
        last_year=2026,
        vat_rate=Decimal("0.22"),
        withholding_rate=Decimal("0.23"),
        withholding_base_share=Decimal("0.50"),
        reduced_withholding_base_share=Decimal("0.20"),
        professional_withholding_rate=Decimal("0.20"),
        stamp_duty=Decimal("2.00"),
        stamp_threshold=Decimal("77.47"),
    ),
)

ENASARCO_YEARS = (
    EnasarcoYear(
        year=2022,
        agent_rate=Decimal("0.085"),
        principal_rate=Decimal("0.085"),
        multi_firm_ceiling=Decimal("26170.00"),
        multi_firm_minimum=Decimal("440.00"),
        mono_firm_ceiling=Decimal("39255.00"),
        mono_firm_minimum=Decimal("878.00"),
    ),
    EnasarcoYear(
        year=2023,
        agent_rate=Decimal("0.085"),
        principal_rate=Decimal("0.085"),
        multi_firm_ceiling=Decimal("28290.00"),
        multi_firm_minimum=Decimal("476.00"),
        mono_firm_ceiling=Decimal("42435.00"),
        mono_firm_minimum=Decimal("950.00"),
    ),
    EnasarcoYear(
        year=2024,
        agent_rate=Decimal("0.085"),
        principal_rate=Decimal("0.085"),
        multi_firm_ceiling=Decimal("29818.00"),
        multi_firm_minimum=Decimal("502.00"),
        mono_firm_ceiling=Decimal("44727.00"),
        mono_firm_minimum=Decimal("1002.00"),
    ),
    EnasarcoYear(
        year=2025,
        agent_rate=Decimal("0.085"),
        principal_rate=Decimal("0.085"),
        multi_firm_ceiling=Decimal("30057.00"),
        multi_firm_minimum=Decimal("507.00"),
        mono_firm_ceiling=Decimal("45085.00"),
        mono_firm_minimum=Decimal("1011.00"),
    ),
    EnasarcoYear(
        year=2026,
        agent_rate=Decimal("0.085"),
        principal_rate=Decimal("0.085"),
        multi_firm_ceiling=Decimal("30478.00"),
        multi_firm_minimum=Decimal("515.00"),
        mono_firm_ceiling=Decimal("45717.00"),
        mono_firm_minimum=Decimal("1026.00"),
    ),
)

COMPANY_SCALES = (
    CompanyScale(
        first_year=2022,
        last_year=2026,
        brackets=(
            CompanyBracket(
                up_to=Decimal("13000000.00"), agent_rate=Decimal("0.01"), principal_rate=Decimal("0.03")
            ),
            CompanyBracket(
                up_to=Decimal("20000000.00"), agent_rate=Decimal("0.005"), principal_rate=Decimal("0.015")
            ),
            CompanyBracket(
                up_to=Decimal("26000000.00"), agent_rate=Decimal("0.0025"), principal_rate=Decimal("0.0075")
            ),
            CompanyBracket(up_to=None, agent_rate=Decimal("0.002"), principal_rate=Decimal("0.003")),
        ),
    ),
)

FIRR_SCALES = (
    FirrScale(
        first_year=2022,
        last_year=2026,
        mono_firm=(
            FirrBracket(up_to=Decimal("12400.00"), rate=Decimal("0.04")),
            FirrBracket(up_to=Decimal("18600.00"), rate=Decimal("0.02")),
            FirrBracket(up_to=None, rate=Decimal("0.01")),
        ),
        multi_firm=(
            FirrBracket(up_to=Decimal("6200.00"), rate=Decimal("0.04")),
            FirrBracket(up_to=Decimal("9300.00"), rate=Decimal("0.02")),
            FirrBracket(up_to=None, rate=Decimal("0.01")),
        ),
    ),
)


def _row_for(rows, year, what):
    if isinstance(year, bool) or not isinstance(year, int):
        raise TaxError(f"year must be an int, got {year!r}")
    matches = [row for row in rows if row.covers(year)]
    if not matches:
        raise TaxError(f"no {what} parameters for year {year}: add a row to calc/tax/parameters.py")
    if len(matches) > 1:
        raise TaxError(f"{len(matches)} {what} parameter rows cover year {year}: fix calc/tax/parameters.py")
    return matches[0]


def tax_rates(year: int) -> TaxRates:
    """Return the VAT, withholding and stamp figures of ``year``."""
    return _row_for(TAX_RATES, year, "VAT/withholding/stamp")


def enasarco_year(year: int) -> EnasarcoYear:
    """Return the ENASARCO rates, ceilings and minimums of ``year``."""
    return _row_for(ENASARCO_YEARS, year, "ENASARCO")


def company_scale(year: int) -> CompanyScale:
    """Return the company ENASARCO scale of ``year``."""
    return _row_for(COMPANY_SCALES, year, "ENASARCO company scale")


def firr_scale(year: int) -> FirrScale:
    """Return the FIRR brackets of ``year``."""
    return _row_for(FIRR_SCALES, year, "FIRR")
