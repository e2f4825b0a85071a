"""Credits, statements spanning two accrual years, and refused inputs."""

from datetime import date
from decimal import Decimal

import pytest

from calc.money import MoneyError
from calc.tax import TaxError
from calc.tax import TaxProfile
from calc.tax import enasarco_share
from calc.tax import invoice_taxes
from calc.tax import statement_taxes

D = Decimal
Q1_2026 = date(2026, 3, 31)


def _profile(partner_kind="agent", enasarco="multi_firm", **changes):
    fields = dict(
        partner_kind=partner_kind,
        legal_form="individual",
        vat_regime="ordinary",
        enasarco=enasarco,
        reduced_withholding_base=False,
        principal_split_payment=False,
    )
    return TaxProfile(**{**fields, **changes})


def _items(result):
    return (
        result.vat,
        result.withholding,
        result.enasarco_agent,
        result.enasarco_principal,
        result.stamp_duty,
        result.document_total,
        result.net_payable,
    )


def test_credit_gives_back_enasarco_base_and_negates_every_item():
    result = invoice_taxes(_profile(), D("-1000.00"), date(2026, 12, 31), D("30478.00"))
    assert result.enasarco_base == D("-1000.00")
    assert _items(result) == (
        D("-220.00"),
        D("-115.00"),
        D("-85.00"),
        D("-85.00"),
        D("0.00"),
        D("-1220.00"),
        D("-1020.00"),
    )
    assert result.fatturapa.document_type == "TD04"


def test_credit_gives_back_no_more_base_than_was_used():
    result = invoice_taxes(_profile(), D("-1000.00"), date(2026, 12, 31), D("500.00"))
    assert (result.enasarco_base, result.enasarco_agent) == (D("-500.00"), D("-42.50"))
    assert result.withholding == D("-115.00")


def test_credit_on_the_company_scale_goes_back_across_a_bracket():
    # 5,000 back at 0.5% / 1.5%, then 5,000 back at 1% / 3%.
    result = invoice_taxes(_profile(legal_form="company"), D("-10000.00"), Q1_2026, D("13005000.00"))
    assert (result.enasarco_agent, result.enasarco_principal) == (D("-75.00"), D("-225.00"))


def test_flat_rate_credit_reverses_the_rebilled_stamp():
    profile = _profile("finder", "none", vat_regime="flat_rate")
    result = invoice_taxes(profile, D("-100.00"), Q1_2026, D("0.00"))
    assert (result.stamp_duty, result.document_total) == (D("-2.00"), D("-102.00"))
    assert (result.fatturapa.virtual_stamp, result.fatturapa.stamp_amount) == (True, D("2.00"))


def test_statement_spanning_two_accrual_years():
    parts = [(date(2025, 12, 31), D("3000.00")), (date(2026, 1, 31), D("2001.00"))]
    result = statement_taxes(_profile(), parts, {2025: D("29000.00"), 2026: D("0.00")}, date(2026, 2, 10))
    # 2025: 30,057 - 29,000 = 1,057 left, x 8.5% = 89.845 -> 89.85; 2026: 2,001 x 8.5% = 170.085 -> 170.09
    assert [(s.year, s.base, s.agent, s.principal) for s in result.enasarco_years] == [
        (2025, D("1057.00"), D("89.85"), D("89.85")),
        (2026, D("2001.00"), D("170.09"), D("170.09")),
    ]
    assert result.enasarco_base_by_year == {2025: D("1057.00"), 2026: D("2001.00")}
    # VAT and withholding on the total 5,001: 1,100.22 and 575.115 -> 575.12
    assert _items(result) == (
        D("1100.22"),
        D("575.12"),
        D("259.94"),
        D("259.94"),
        D("0.00"),
        D("6101.22"),
        D("5266.16"),
    )


def test_statement_adds_lines_of_the_same_year_first():
    parts = [(2026, D("20000.00")), (date(2026, 5, 1), D("-5000.00")), (2026, D("20000.00"))]
    result = statement_taxes(_profile(), parts, {2026: D("0.00")})
    assert (result.taxable, result.enasarco_base, result.enasarco_agent) == (
        D("35000.00"),
        D("30478.00"),
        D("2590.63"),
    )


def test_statement_needs_the_ytd_base_of_every_accrual_year():
    parts = [(2025, D("100.00")), (2026, D("100.00"))]
    with pytest.raises(TaxError, match="no entry for accrual year 2025"):
        statement_taxes(_profile(), parts, {2026: D("0.00")})


def test_statement_of_a_partner_without_enasarco_needs_no_ytd_base():
    result = statement_taxes(_profile("finder", "none"), [(2026, D("100.00"))], {})
    assert result.net_payable == D("110.50")


@pytest.mark.parametrize("parts", [[], [(2026,)], [("2026", D("1.00"))], [(2026.0, D("1.00"))]])
def test_statement_parts_are_checked(parts):
    with pytest.raises(TaxError, match="parts"):
        statement_taxes(_profile(), parts, {2026: D("0.00")})


@pytest.mark.parametrize("accrual", [date(2021, 12, 31), date(2027, 1, 1)])
def test_unknown_accrual_year_is_an_error(accrual):
    with pytest.raises(TaxError, match=str(accrual.year)):
        invoice_taxes(_profile(), D("100.00"), accrual, D("0.00"))


def test_unknown_payment_year_is_an_error():
    with pytest.raises(TaxError, match="2027"):
        invoice_taxes(_profile(), D("100.00"), date(2026, 12, 31), D("0.00"), payment_date=date(2027, 1, 15))


def test_unknown_year_fails_for_flat_rate_partners_too():
    profile = _profile("finder", "none", vat_regime="flat_rate")
    with pytest.raises(TaxError, match="2027"):
        invoice_taxes(profile, D("10.00"), date(2027, 1, 1), D("0.00"))


@pytest.mark.parametrize(
    ("taxable", "ytd"),
    [(100.0, D("0.00")), (D("100.00"), 0.0)],
)
def test_floats_are_refused(taxable, ytd):
    with pytest.raises(MoneyError, match="float"):
        invoice_taxes(_profile(), taxable, Q1_2026, ytd)


def test_float_ytd_is_refused_even_without_enasarco():
    with pytest.raises(MoneyError, match="float"):
        invoice_taxes(_profile("finder", "none"), D("100.00"), Q1_2026, 0.0)


def test_sub_cent_amounts_are_refused():
    with pytest.raises(TaxError, match="in cents"):
        invoice_taxes(_profile(), D("100.005"), Q1_2026, D("0.00"))


def test_negative_ytd_position_gives_no_base_until_back_above_zero():
    result = invoice_taxes(_profile(), D("300.00"), Q1_2026, D("-100.00"))
    assert (result.enasarco_base, result.enasarco_agent) == (D("200.00"), D("17.00"))
    assert result.enasarco_ytd_after_by_year == {2026: D("200.00")}


def test_credit_with_commissions_to_date_above_the_ceiling_gives_back_nothing():
    # 40,000 of commissions so far: the year stays above the 30,478 ceiling after a 1,000 credit
    small = invoice_taxes(_profile(), D("-1000.00"), date(2026, 12, 31), D("40000.00"))
    assert (small.enasarco_base, small.enasarco_agent, small.enasarco_principal) == (D("0"), D("0"), D("0"))
    assert small.net_payable == D("-1105.00")
    # a 12,000 credit brings the year down to 28,000: 2,478 of base given back
    large = invoice_taxes(_profile(), D("-12000.00"), date(2026, 12, 31), D("40000.00"))
    assert (large.enasarco_base, large.enasarco_agent) == (D("-2478.00"), D("-210.63"))


def test_strings_and_ints_are_amounts_too():
    result = invoice_taxes(_profile(), "10000.00", Q1_2026, 0)
    assert result.net_payable == D("10200.00")


def test_wrong_argument_types_are_errors():
    with pytest.raises(TaxError, match="profile"):
        invoice_taxes({"partner_kind": "agent"}, D("1.00"), Q1_2026, D("0.00"))
    with pytest.raises(TaxError, match="accrual_date"):
        invoice_taxes(_profile(), D("1.00"), "2026-03-31", D("0.00"))


def test_principal_cost_adds_its_enasarco_share():
    result = invoice_taxes(_profile(), D("10000.00"), Q1_2026, D("0.00"))
    assert result.principal_cost == D("13050.00")


def test_enasarco_share_on_its_own():
    share = enasarco_share(_profile(), 2026, D("1000.00"), D("30000.00"))
    assert (share.base, share.agent, share.principal, share.total) == (
        D("478.00"),
        D("40.63"),
        D("40.63"),
        D("81.26"),
    )
    assert share.ytd_after == D("31000.00")
    with pytest.raises(TaxError, match="has no ENASARCO"):
        enasarco_share(_profile("installer", "none"), 2026, D("1.00"), D("0.00"))
    with pytest.raises(MoneyError, match="float"):
        enasarco_share(_profile(), 2026, 1.0, D("0.00"))
