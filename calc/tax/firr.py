"""FIRR: the yearly end-of-relationship indemnity fund the principal pays for an agent (never withheld).

Progressive brackets on the relationship's commissions of a calendar year, by mono-firm or multi-firm
mandate. When the mandate was active only part of the year, each threshold is pro-rated by months active
(threshold x months / 12, rounded to cents). The amount is rounded once, half up. A negative year total
(clawbacks exceeding commissions) gives a negative FIRR, by the sign rule of the computation rules.
"""

from decimal import Decimal

from calc.money import ZERO
from calc.money import round_cents
from calc.tax.errors import TaxError
from calc.tax.inputs import cents
from calc.tax.inputs import checked_months
from calc.tax.parameters import firr_scale

FIRR_MANDATES = ("mono_firm", "multi_firm")


def firr_thresholds(mandate: str, months_active: int, year: int) -> tuple[Decimal | None, ...]:
    """Return the upper threshold of each FIRR bracket, pro-rated by months active."""
    if mandate not in FIRR_MANDATES:
        raise TaxError(f"mandate: unknown value {mandate!r}; expected one of {', '.join(FIRR_MANDATES)}")
    months = checked_months(months_active)
    return tuple(
        None if bracket.up_to is None else round_cents(bracket.up_to * months / 12)
        for bracket in firr_scale(year).brackets(mandate)
    )


def firr(mandate: str, year_commissions: Decimal, months_active: int = 12, *, year: int) -> Decimal:
    """Compute the FIRR on a relationship's commissions accrued in ``year``."""
    commissions = cents(year_commissions, "year_commissions")
    thresholds = firr_thresholds(mandate, months_active, year)
    rates = [bracket.rate for bracket in firr_scale(year).brackets(mandate)]
    remaining = abs(commissions)
    lower = ZERO
    amount = ZERO
    for upper, rate in zip(thresholds, rates, strict=True):
        portion = remaining if upper is None else min(remaining, max(upper - lower, ZERO))
        amount += portion * rate
        remaining -= portion
        lower = upper if upper is not None else lower
    signed = amount if commissions >= 0 else -amount
    return round_cents(signed)
