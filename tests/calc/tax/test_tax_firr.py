"""FIRR: progressive brackets by mandate, thresholds pro-rated by months active."""

from decimal import Decimal

import pytest

from calc.money import MoneyError
from calc.tax import TaxError
from calc.tax import firr
from calc.tax import firr_thresholds

D = Decimal


@pytest.mark.parametrize(
    ("mandate", "commissions", "expected"),
    [
        ("multi_firm", "0.00", "0.00"),
        ("multi_firm", "6200.00", "248.00"),
        ("multi_firm", "9300.00", "310.00"),
        ("mono_firm", "12400.00", "496.00"),
        # 12,400 x 4% + 6,200 x 2% + 1,400 x 1%
        ("mono_firm", "20000.00", "634.00"),
    ],
)
def test_full_year(mandate, commissions, expected):
    assert firr(mandate, D(commissions), year=2026) == D(expected)


def test_mandate_starting_on_1_july_halves_the_thresholds():
    assert firr_thresholds("multi_firm", 6, 2026) == (D("3100.00"), D("4650.00"), None)
    # 3,100 x 4% + 1,550 x 2% + 5,350 x 1% = 124 + 31 + 53.50
    assert firr("multi_firm", D("10000.00"), 6, year=2026) == D("208.50")


def test_thresholds_are_rounded_to_cents():
    # 12,400 x 5 / 12 = 5,166.666...; 18,600 x 5 / 12 = 7,750
    assert firr_thresholds("mono_firm", 5, 2025) == (D("5166.67"), D("7750.00"), None)
    # 5,166.67 x 4% + 2,583.33 x 2% + 250 x 1% = 206.6668 + 51.6666 + 2.50 = 260.8334
    assert firr("mono_firm", D("8000.00"), 5, year=2025) == D("260.83")


def test_negative_year_follows_the_sign_rule():
    assert firr("multi_firm", D("-7650.80"), year=2026) == D("-277.02")


@pytest.mark.parametrize("months", [0, 13, True, "12"])
def test_months_must_be_1_to_12(months):
    with pytest.raises(TaxError, match="months_active"):
        firr("multi_firm", D("100.00"), months, year=2026)


def test_unknown_mandate_and_year_and_floats():
    with pytest.raises(TaxError, match="mandate: unknown value 'none'"):
        firr("none", D("100.00"), year=2026)
    with pytest.raises(TaxError, match="2027"):
        firr("multi_firm", D("100.00"), year=2027)
    with pytest.raises(MoneyError, match="float"):
        firr("multi_firm", 100.0, year=2026)
    with pytest.raises(TypeError):
        firr("multi_firm", D("100.00"))
