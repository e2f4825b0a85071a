"""VAT, split payment and stamp duty of a partner's invoice.

Ordinary partners charge VAT at the year's rate, rounded once half up. Flat-rate (forfettario) partners
charge none (Natura N2.2, RegimeFiscale RF19) and bear a stamp duty when the amount exceeds the threshold;
the stamp is re-billed to the principal unless the profile says otherwise. Split payment applies when the
principal is on the government lists, except to professionals' fees subject to the art. 25 withholding.
"""

from dataclasses import dataclass
from decimal import Decimal

from calc.money import ZERO
from calc.money import round_cents
from calc.tax.parameters import tax_rates
from calc.tax.profile import TaxProfile

ORDINARY_REGIME = "RF01"
FLAT_RATE_REGIME = "RF19"
FLAT_RATE_NATURE = "N2.2"


@dataclass(frozen=True)
class Vat:
    """The VAT of one invoice and how it is collected."""

    rate: Decimal
    amount: Decimal
    tax_regime: str  # FatturaPA RegimeFiscale
    nature: str | None  # FatturaPA Natura, set when no VAT is charged
    chargeability: str | None  # FatturaPA EsigibilitaIVA: I immediate, S split payment
    split_payment: bool  # the principal pays the VAT to the State, not to the partner


@dataclass(frozen=True)
class Stamp:
    """The stamp duty of one invoice; ``amount`` carries the sign of the invoice."""

    due: bool
    amount: Decimal
    rebilled: bool  # added to the document total and to the net payable


NO_STAMP = Stamp(due=False, amount=ZERO, rebilled=False)


def vat(profile: TaxProfile, taxable: Decimal, year: int) -> Vat:
    """Compute the VAT on ``taxable`` with the figures of ``year``."""
    if profile.is_flat_rate:
        tax_rates(year)  # an unknown year fails here too, not only for ordinary partners
        return Vat(ZERO, ZERO, FLAT_RATE_REGIME, FLAT_RATE_NATURE, None, split_payment=False)
    rate = tax_rates(year).vat_rate
    split = profile.principal_split_payment and not profile.withholds_on_fee
    return Vat(
        rate=rate,
        amount=round_cents(taxable * rate),
        tax_regime=ORDINARY_REGIME,
        nature=None,
        chargeability="S" if split else "I",
        split_payment=split,
    )


def stamp(profile: TaxProfile, taxable: Decimal, year: int) -> Stamp:
    """Compute the stamp duty of a flat-rate partner's invoice of ``taxable`` in ``year``."""
    if not profile.is_flat_rate:
        return NO_STAMP
    rates = tax_rates(year)
    if abs(taxable) <= rates.stamp_threshold:
        return NO_STAMP
    duty = rates.stamp_duty if taxable > 0 else -rates.stamp_duty
    return Stamp(due=True, amount=duty, rebilled=profile.stamp_rebilled)
