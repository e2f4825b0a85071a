"""Invoice tax items beyond the golden cases: each year, each partner kind, stamp edges, profile changes."""

from datetime import date
from decimal import Decimal

import pytest

from calc.tax import EnasarcoOverride
from calc.tax import TaxProfile
from calc.tax import invoice_taxes

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


def test_mono_firm_agent_near_the_mono_firm_ceiling():
    result = invoice_taxes(_profile(enasarco="mono_firm"), D("10000.00"), Q1_2026, D("45000.00"))
    assert result.enasarco_base == D("717.00")
    assert _items(result) == (
        D("2200.00"),
        D("1150.00"),
        D("60.95"),
        D("60.95"),
        D("0.00"),
        D("12200.00"),
        D("10989.05"),
    )
    assert [(e.kind, e.payment_reason) for e in result.fatturapa.withholdings] == [
        ("RT01", "Q"),
        ("RT04", "ZO"),
    ]


# ENASARCO on 50,000 with nothing used yet: the base is the year's ceiling, shares 8.5% each.
@pytest.mark.parametrize(
    ("year", "enasarco", "ceiling", "share"),
    [
        (2022, "multi_firm", "26170.00", "2224.45"),
        (2022, "mono_firm", "39255.00", "3336.68"),
        (2023, "multi_firm", "28290.00", "2404.65"),
        (2023, "mono_firm", "42435.00", "3606.98"),
        (2024, "multi_firm", "29818.00", "2534.53"),
        (2024, "mono_firm", "44727.00", "3801.80"),
        (2025, "multi_firm", "30057.00", "2554.85"),
        (2025, "mono_firm", "45085.00", "3832.23"),
        (2026, "multi_firm", "30478.00", "2590.63"),
        (2026, "mono_firm", "45717.00", "3885.95"),
    ],
)
def test_each_year_caps_the_base_at_its_own_ceiling(year, enasarco, ceiling, share):
    result = invoice_taxes(_profile(enasarco=enasarco), D("50000.00"), date(year, 6, 30), D("0.00"))
    assert result.enasarco_base == D(ceiling)
    assert result.enasarco_agent == D(share)
    assert result.enasarco_principal == D(share)
    assert result.withholding == D("5750.00")
    assert result.vat == D("11000.00")


@pytest.mark.parametrize("year", [2022, 2023, 2024, 2025, 2026])
def test_nothing_is_due_once_the_ceiling_is_used(year):
    result = invoice_taxes(_profile(), D("1000.00"), date(year, 12, 31), D("99999.00"))
    assert (result.enasarco_base, result.enasarco_agent, result.enasarco_principal) == (
        D("0"),
        D("0"),
        D("0"),
    )
    assert result.fatturapa.withholding_kinds == ("RT01",)
    assert result.net_payable == D("1105.00")


def test_company_scale_below_the_first_threshold():
    result = invoice_taxes(_profile(legal_form="company"), D("10000.00"), Q1_2026, D("5000000.00"))
    assert (result.enasarco_agent, result.enasarco_principal) == (D("100.00"), D("300.00"))


def test_company_scale_crossing_the_first_bracket():
    # 10,000 at 1% / 3% up to 13,000,000, then 10,000 at 0.5% / 1.5%.
    result = invoice_taxes(_profile(legal_form="company"), D("20000.00"), Q1_2026, D("12990000.00"))
    assert result.enasarco_base == D("20000.00")
    assert (result.enasarco_agent, result.enasarco_principal) == (D("150.00"), D("450.00"))
    bands = [(b.base, b.agent_rate, b.principal_rate) for b in result.enasarco_years[0].bands]
    assert bands == [(D("10000.00"), D("0.01"), D("0.03")), (D("10000.00"), D("0.005"), D("0.015"))]
    assert result.fatturapa.withholdings[-1].rate_percent == D("0.50")
    assert result.fatturapa.withholding_kinds == ("RT02", "RT04")


def test_company_scale_crossing_into_the_top_bracket():
    # 1,000 at 0.25% / 0.75%, then 1,000 at 0.20% / 0.30%.
    result = invoice_taxes(_profile(legal_form="company"), D("2000.00"), Q1_2026, D("25999000.00"))
    assert (result.enasarco_agent, result.enasarco_principal) == (D("4.50"), D("10.50"))


def test_partnership_agent_is_withheld_as_a_person():
    result = invoice_taxes(_profile(legal_form="partnership"), D("10000.00"), Q1_2026, D("0.00"))
    assert result.fatturapa.withholding_kinds == ("RT01", "RT04")
    assert (result.enasarco_agent, result.net_payable) == (D("850.00"), D("10200.00"))


def test_call_centre_company_is_on_the_company_scale():
    profile = _profile(partner_kind="call_centre", legal_form="company")
    result = invoice_taxes(profile, D("10000.00"), Q1_2026, D("0.00"))
    assert _items(result) == (
        D("2200.00"),
        D("1150.00"),
        D("100.00"),
        D("300.00"),
        D("0.00"),
        D("12200.00"),
        D("10950.00"),
    )
    assert result.fatturapa.withholding_kinds == ("RT02", "RT04")


def test_finder():
    result = invoice_taxes(_profile("finder", "none"), D("1000.00"), Q1_2026, D("0.00"))
    assert _items(result) == (
        D("220.00"),
        D("115.00"),
        D("0.00"),
        D("0.00"),
        D("0.00"),
        D("1220.00"),
        D("1105.00"),
    )
    assert [(e.kind, e.payment_reason, e.rate_percent) for e in result.fatturapa.withholdings] == [
        ("RT01", "U", D("23.00"))
    ]
    assert result.enasarco_years == ()


def test_company_finder_with_reduced_base_in_split_payment():
    profile = _profile(
        "finder", "none", legal_form="company", reduced_withholding_base=True, principal_split_payment=True
    )
    result = invoice_taxes(profile, D("1000.00"), Q1_2026, D("0.00"))
    assert (result.withholding, result.document_total, result.net_payable) == (
        D("46.00"),
        D("1220.00"),
        D("954.00"),
    )
    assert result.fatturapa.withholding_kinds == ("RT02",)
    assert result.fatturapa.vat_chargeability == "S"


@pytest.mark.parametrize(("split", "net"), [(False, "1220.00"), (True, "1000.00")])
def test_installer_has_no_withholding_and_follows_split_payment(split, net):
    profile = _profile("installer", "none", legal_form="company", principal_split_payment=split)
    result = invoice_taxes(profile, D("1000.00"), Q1_2026, D("0.00"))
    assert (result.vat, result.withholding, result.document_total) == (D("220.00"), D("0.00"), D("1220.00"))
    assert result.net_payable == D(net)
    assert result.fatturapa.withholdings == ()


@pytest.mark.parametrize("split", [False, True])
def test_professional_is_withheld_20_percent_of_the_whole_fee_and_never_in_split_payment(split):
    profile = _profile("professional", "none", principal_split_payment=split)
    result = invoice_taxes(profile, D("1000.00"), Q1_2026, D("0.00"))
    assert _items(result) == (
        D("220.00"),
        D("200.00"),
        D("0.00"),
        D("0.00"),
        D("0.00"),
        D("1220.00"),
        D("1020.00"),
    )
    assert result.withholding_base == D("1000.00")
    assert result.split_payment is False
    assert result.fatturapa.vat_chargeability == "I"
    assert [(e.kind, e.payment_reason, e.rate_percent) for e in result.fatturapa.withholdings] == [
        ("RT01", "A", D("20.00"))
    ]


def test_flat_rate_professional_has_no_vat_no_withholding_and_a_stamp():
    profile = _profile("professional", "none", vat_regime="flat_rate")
    result = invoice_taxes(profile, D("1000.00"), Q1_2026, D("0.00"))
    assert (result.vat, result.withholding, result.stamp_duty) == (D("0.00"), D("0.00"), D("2.00"))
    assert (result.document_total, result.net_payable) == (D("1002.00"), D("1002.00"))
    assert (result.fatturapa.tax_regime, result.fatturapa.vat_nature) == ("RF19", "N2.2")


@pytest.mark.parametrize(
    ("taxable", "stamp", "total"),
    [("77.46", "0.00", "77.46"), ("77.47", "0.00", "77.47"), ("77.48", "2.00", "79.48")],
)
def test_stamp_threshold_edges(taxable, stamp, total):
    profile = _profile("finder", "none", vat_regime="flat_rate")
    result = invoice_taxes(profile, D(taxable), Q1_2026, D("0.00"))
    assert (result.stamp_duty, result.document_total, result.net_payable) == (D(stamp), D(total), D(total))
    assert result.fatturapa.virtual_stamp is (stamp != "0.00")


def test_stamp_on_a_flat_rate_agent_just_over_the_threshold():
    profile = _profile(vat_regime="flat_rate")
    result = invoice_taxes(profile, D("77.48"), Q1_2026, D("0.00"))
    # ENASARCO 77.48 x 8.5% = 6.5858
    assert (result.enasarco_agent, result.stamp_duty) == (D("6.59"), D("2.00"))
    assert (result.document_total, result.net_payable) == (D("79.48"), D("72.89"))
    assert result.fatturapa.withholding_kinds == ("RT04",)
    assert result.fatturapa.vat_chargeability is None


def test_stamp_not_rebilled_stays_on_the_document_but_out_of_the_totals():
    profile = _profile(vat_regime="flat_rate", stamp_rebilled=False)
    result = invoice_taxes(profile, D("10000.00"), Q1_2026, D("0.00"))
    assert (result.stamp_duty, result.stamp_rebilled) == (D("2.00"), False)
    assert (result.document_total, result.net_payable) == (D("10000.00"), D("9150.00"))
    assert (result.fatturapa.virtual_stamp, result.fatturapa.stamp_amount) == (True, D("2.00"))


def test_split_payment_does_not_apply_to_flat_rate():
    profile = _profile(vat_regime="flat_rate", principal_split_payment=True)
    result = invoice_taxes(profile, D("10000.00"), Q1_2026, D("0.00"))
    assert (result.split_payment, result.net_payable) == (False, D("9152.00"))


def test_enasarco_causale_setting():
    result = invoice_taxes(_profile(enasarco_payment_reason="R"), D("100.00"), Q1_2026, D("0.00"))
    assert [(e.kind, e.payment_reason) for e in result.fatturapa.withholdings] == [
        ("RT01", "R"),
        ("RT04", "R"),
    ]


def test_young_agent_override_changes_the_rates_of_its_year_only():
    override = EnasarcoOverride(2026, D("0.0425"), D("0.085"))
    profile = _profile(enasarco_overrides=(override,))
    reduced = invoice_taxes(profile, D("10000.00"), Q1_2026, D("0.00"))
    assert (reduced.enasarco_agent, reduced.enasarco_principal) == (D("425.00"), D("850.00"))
    assert reduced.net_payable == D("10625.00")
    assert reduced.fatturapa.withholdings[-1].rate_percent == D("4.25")
    normal = invoice_taxes(profile, D("10000.00"), date(2025, 3, 31), D("0.00"))
    assert normal.enasarco_agent == D("850.00")


def test_profile_change_mid_year_shares_the_ceiling():
    ordinary = _profile()
    first = invoice_taxes(ordinary, D("20000.00"), date(2026, 3, 31), D("0.00"))
    assert first.enasarco_base == D("20000.00")
    flat_rate = _profile(vat_regime="flat_rate")
    second = invoice_taxes(flat_rate, D("15000.00"), date(2026, 9, 30), first.enasarco_base)
    # 30,478 - 20,000 = 10,478 left; 10,478 x 8.5% = 890.63
    assert second.enasarco_base == D("10478.00")
    assert _items(second) == (
        D("0.00"),
        D("0.00"),
        D("890.63"),
        D("890.63"),
        D("2.00"),
        D("15002.00"),
        D("14111.37"),
    )


def test_profile_change_from_mono_to_multi_firm_finds_the_lower_ceiling_used():
    first = invoice_taxes(_profile(enasarco="mono_firm"), D("40000.00"), date(2026, 6, 30), D("0.00"))
    assert first.enasarco_base == D("40000.00")
    second = invoice_taxes(_profile(), D("5000.00"), date(2026, 9, 30), first.enasarco_base)
    assert (second.enasarco_base, second.enasarco_agent) == (D("0.00"), D("0.00"))
