"""Income-tax withholding (ritenuta d'acconto) the principal keeps from a partner's invoice.

Agents, call centres and finders bear the art. 25-bis withholding: the withholding rate on 50% of the
commissions, or on 20% when the partner declared it uses employees or third parties. Self-employed
professionals bear the art. 25 withholding on the whole fee. Flat-rate partners and installers bear none.
The amount is rounded once, half up: round(taxable x base share x rate).
"""

from dataclasses import dataclass
from decimal import Decimal

from calc.money import ZERO
from calc.money import round_cents
from calc.tax.parameters import tax_rates
from calc.tax.profile import TaxProfile


@dataclass(frozen=True)
class Withholding:
    """The withholding on one invoice; ``kind`` is None when none is due."""

    kind: str | None  # FatturaPA TipoRitenuta: RT01 persons, RT02 companies
    payment_reason: str | None  # FatturaPA CausalePagamento
    rate: Decimal
    base_share: Decimal
    base: Decimal  # taxable x base share, exact (the amount is rounded, the base is not)
    amount: Decimal


NO_WITHHOLDING = Withholding(
    kind=None, payment_reason=None, rate=ZERO, base_share=ZERO, base=ZERO, amount=ZERO
)


def payment_reason(profile: TaxProfile) -> str:
    """Return the FatturaPA CausalePagamento of the partner's income-tax withholding."""
    if profile.partner_kind == "professional":
        return "A"
    if profile.partner_kind == "finder":
        return "U"
    return "Q" if profile.enasarco == "mono_firm" else "R"


def withholding(profile: TaxProfile, taxable: Decimal, year: int) -> Withholding:
    """Compute the income-tax withholding on ``taxable`` with the figures of ``year``."""
    if not (profile.withholds_on_commissions or profile.withholds_on_fee):
        return NO_WITHHOLDING
    rates = tax_rates(year)
    if profile.withholds_on_fee:
        rate = rates.professional_withholding_rate
        base_share = Decimal(1)
    else:
        rate = rates.withholding_rate
        reduced = profile.reduced_withholding_base
        base_share = rates.reduced_withholding_base_share if reduced else rates.withholding_base_share
    base = taxable * base_share
    return Withholding(
        kind="RT02" if profile.legal_form == "company" else "RT01",
        payment_reason=payment_reason(profile),
        rate=rate,
        base_share=base_share,
        base=base,
        amount=round_cents(base * rate),
    )
