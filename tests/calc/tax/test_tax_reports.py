"""Principal-side figures: the ENASARCO minimum and its shortfall, quarters and due dates."""

from datetime import date
from decimal import Decimal

import pytest

from calc.tax import TaxError
from calc.tax import TaxProfile
from calc.tax import enasarco_due_date
from calc.tax import enasarco_minimum
from calc.tax import enasarco_shortfall
from calc.tax import months_active
from calc.tax import quarter_of
from calc.tax import withholding_f24

D = Decimal


def _agent(enasarco="multi_firm", legal_form="individual"):
    return TaxProfile("agent", legal_form, "ordinary", enasarco, False, False)


@pytest.mark.parametrize(
    ("year", "multi_year", "multi_quarter", "mono_year", "mono_quarter"),
    [
        (2022, "440.00", "110.00", "878.00", "219.50"),
        (2023, "476.00", "119.00", "950.00", "237.50"),
        (2024, "502.00", "125.50", "1002.00", "250.50"),
        (2025, "507.00", "126.75", "1011.00", "252.75"),
        (2026, "515.00", "128.75", "1026.00", "256.50"),
    ],
)
def test_minimum_per_year_and_per_quarter(year, multi_year, multi_quarter, mono_year, mono_quarter):
    assert enasarco_minimum(_agent(), year) == D(multi_year)
    assert enasarco_minimum(_agent(), year, 3) == D(multi_quarter)
    assert enasarco_minimum(_agent("mono_firm"), year) == D(mono_year)
    assert enasarco_minimum(_agent("mono_firm"), year, 3) == D(mono_quarter)


def test_minimum_is_pro_rated_by_months_and_rounded():
    # 507 x 5 / 12 = 211.25; 1,011 x 7 / 12 = 589.75; 440 x 1 / 12 = 36.666...
    assert enasarco_minimum(_agent(), 2025, 5) == D("211.25")
    assert enasarco_minimum(_agent("mono_firm"), 2025, 7) == D("589.75")
    assert enasarco_minimum(_agent(), 2022, 1) == D("36.67")


def test_company_agents_have_no_minimum():
    assert enasarco_minimum(_agent(legal_form="company"), 2026) == D("0")
    assert enasarco_shortfall(_agent(legal_form="company"), 2026, D("100.00"), D("4.00")) == D("0")


def test_shortfall_charged_to_the_principal():
    # 2,000 of commissions: contributions 170 + 170 = 340 against a minimum of 515
    assert enasarco_shortfall(_agent(), 2026, D("2000.00"), D("340.00")) == D("175.00")
    # relationship of 4 months, mono-firm: minimum 1,026 x 4 / 12 = 342
    assert enasarco_shortfall(_agent("mono_firm"), 2026, D("588.24"), D("100.00"), 4) == D("242.00")


def test_no_shortfall_when_the_minimum_is_covered():
    assert enasarco_shortfall(_agent(), 2026, D("2000.00"), D("340.00"), 6) == D("0")
    assert enasarco_shortfall(_agent(), 2026, D("3029.42"), D("515.00")) == D("0")


@pytest.mark.parametrize("commissions", ["0.00", "-150.00"])
def test_no_shortfall_without_commissions_in_the_year(commissions):
    assert enasarco_shortfall(_agent(), 2026, D(commissions), D("0.00")) == D("0")


def test_minimum_errors():
    finder = TaxProfile("finder", "individual", "ordinary", "none", False, False)
    with pytest.raises(TaxError, match="no ENASARCO minimum"):
        enasarco_minimum(finder, 2026)
    with pytest.raises(TaxError, match="2027"):
        enasarco_minimum(_agent(legal_form="company"), 2027)
    with pytest.raises(TaxError, match="months_active"):
        enasarco_minimum(_agent(), 2026, 0)


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (date(2026, 1, 1), 1),
        (date(2026, 3, 31), 1),
        (date(2026, 4, 1), 2),
        (date(2026, 9, 30), 3),
        (date(2026, 12, 31), 4),
    ],
)
def test_quarter_of(day, quarter):
    assert quarter_of(day) == quarter


@pytest.mark.parametrize(
    ("paid", "due"),
    [
        (date(2026, 4, 10), date(2026, 5, 16)),
        (date(2026, 1, 31), date(2026, 2, 16)),
        (date(2026, 12, 3), date(2027, 1, 16)),
    ],
)
def test_withholding_is_due_on_the_16th_of_the_next_month_with_code_1040(paid, due):
    f24 = withholding_f24(paid)
    assert (f24.tax_code, f24.due_date) == ("1040", due)


@pytest.mark.parametrize(
    ("quarter", "due"),
    [(1, date(2026, 5, 20)), (2, date(2026, 8, 20)), (3, date(2026, 11, 20)), (4, date(2027, 2, 20))],
)
def test_enasarco_due_dates(quarter, due):
    assert enasarco_due_date(2026, quarter) == due


def test_enasarco_due_date_needs_a_quarter():
    with pytest.raises(TaxError, match="quarter"):
        enasarco_due_date(2026, 5)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2026, 7, 1), None, 6),
        (date(2026, 7, 31), None, 6),
        (date(2025, 3, 15), None, 12),
        (date(2025, 3, 15), date(2026, 2, 10), 2),
        (date(2026, 3, 15), date(2026, 3, 20), 1),
        (date(2027, 1, 1), None, 0),
        (date(2024, 1, 1), date(2025, 12, 31), 0),
    ],
)
def test_months_active_in_2026(start, end, months):
    assert months_active(start, end, 2026) == months


def test_months_active_refuses_an_end_before_the_start():
    with pytest.raises(TaxError, match="before start"):
        months_active(date(2026, 5, 1), date(2026, 4, 30), 2026)
