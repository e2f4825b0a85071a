"""Properties that hold for every supported profile, amount and year-to-date base."""

import itertools
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from calc.money import ZERO
from calc.tax import TaxError
from calc.tax import TaxProfile
from calc.tax import invoice_taxes
from calc.tax.parameters import enasarco_year
from calc.tax.profile import ENASARCO_MANDATES
from calc.tax.profile import LEGAL_FORMS
from calc.tax.profile import PARTNER_KINDS
from calc.tax.profile import VAT_REGIMES


def _supported_profiles():
    profiles = []
    flags = (False, True)
    for values in itertools.product(
        PARTNER_KINDS, LEGAL_FORMS, VAT_REGIMES, ENASARCO_MANDATES, flags, flags, flags
    ):
        try:
            profiles.append(TaxProfile(*values))
        except TaxError:
            continue
    return profiles


PROFILES = _supported_profiles()
YEARS = st.integers(min_value=2022, max_value=2026)
AMOUNTS = st.integers(min_value=-5_000_000, max_value=5_000_000).map(lambda cents: Decimal(cents).scaleb(-2))
YTD = st.integers(min_value=0, max_value=6_000_000).map(lambda cents: Decimal(cents).scaleb(-2))


def test_the_supported_profiles_are_the_expected_ones():
    # agent and call centre: 2 mandates x (3 ordinary forms x 8 flag sets + flat-rate individual x 4) = 56 each;
    # finder 3 x 8 + 4 = 28; installer (no reduced base) 3 x 4 + 4 = 16; professional (no company) 2 x 4 + 4 = 12.
    assert len(PROFILES) == 56 + 56 + 28 + 16 + 12


@given(st.sampled_from(PROFILES), AMOUNTS, YEARS, YTD)
def test_net_payable_identity(profile, taxable, year, ytd):
    result = invoice_taxes(profile, taxable, date(year, 6, 30), ytd)
    vat_kept = result.vat if result.split_payment else ZERO
    assert result.net_payable == result.document_total - result.withholding - result.enasarco_agent - vat_kept
    stamp = result.stamp_duty if result.stamp_rebilled else ZERO
    assert result.document_total == result.taxable + result.vat + stamp


@given(
    st.sampled_from([p for p in PROFILES if p.has_enasarco and not p.on_company_scale]), AMOUNTS, YEARS, YTD
)
def test_enasarco_base_stays_within_the_remaining_ceiling(profile, taxable, year, ytd):
    ceiling = enasarco_year(year).ceiling(profile.enasarco)
    result = invoice_taxes(profile, taxable, date(year, 12, 31), ytd)
    assert result.enasarco_base <= max(ceiling - ytd, ZERO)
    assert result.enasarco_base >= -ytd
    if taxable >= 0:
        assert result.enasarco_base == max(min(taxable, ceiling - ytd), ZERO)


@given(st.sampled_from(PROFILES), AMOUNTS, YEARS, YTD)
def test_a_credit_note_reverses_its_invoice(profile, taxable, year, ytd):
    day = date(year, 9, 30)
    invoice = invoice_taxes(profile, abs(taxable), day, ytd)
    # The year-to-date position after the invoice is the commissions to date, so a credit knows whether the
    # year is still above the ceiling.
    credit = invoice_taxes(profile, -abs(taxable), day, ytd + abs(taxable))
    for field in ("vat", "withholding", "enasarco_agent", "enasarco_principal", "stamp_duty", "net_payable"):
        assert getattr(credit, field) == -getattr(invoice, field), field
    assert credit.enasarco_base == -invoice.enasarco_base
