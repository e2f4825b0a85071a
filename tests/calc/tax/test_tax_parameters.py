"""The dated parameter tables: every year 2022-2026 covered once, figures as published, no fallback."""

from decimal import Decimal

import pytest

from calc.tax import TaxError
from calc.tax.parameters import COMPANY_SCALES
from calc.tax.parameters import ENASARCO_YEARS
from calc.tax.parameters import FIRR_SCALES
from calc.tax.parameters import TAX_RATES
from calc.tax.parameters import company_scale
from calc.tax.parameters import enasarco_year
from calc.tax.parameters import firr_scale
from calc.tax.parameters import tax_rates

YEARS = [2022, 2023, 2024, 2025, 2026]
LOOKUPS = [tax_rates, enasarco_year, company_scale, firr_scale]
TABLES = [TAX_RATES, ENASARCO_YEARS, COMPANY_SCALES, FIRR_SCALES]

# (year, multi-firm ceiling, multi-firm minimum, mono-firm ceiling, mono-firm minimum), italian-tax.md s. 2
PUBLISHED = [
    (2022, "26170", "440", "39255", "878"),
    (2023, "28290", "476", "42435", "950"),
    (2024, "29818", "502", "44727", "1002"),
    (2025, "30057", "507", "45085", "1011"),
    (2026, "30478", "515", "45717", "1026"),
]


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("year", YEARS)
def test_each_year_is_covered_by_exactly_one_row(table, year):
    assert len([row for row in table if row.covers(year)]) == 1


@pytest.mark.parametrize(
    ("year", "multi_ceiling", "multi_minimum", "mono_ceiling", "mono_minimum"), PUBLISHED
)
def test_enasarco_figures_are_the_published_ones(
    year, multi_ceiling, multi_minimum, mono_ceiling, mono_minimum
):
    figures = enasarco_year(year)
    assert figures.ceiling("multi_firm") == Decimal(multi_ceiling)
    assert figures.minimum("multi_firm") == Decimal(multi_minimum)
    assert figures.ceiling("mono_firm") == Decimal(mono_ceiling)
    assert figures.minimum("mono_firm") == Decimal(mono_minimum)
    assert figures.agent_rate == Decimal("0.085")
    assert figures.principal_rate == Decimal("0.085")
    assert figures.total_rate == Decimal("0.17")


@pytest.mark.parametrize("lookup", LOOKUPS)
@pytest.mark.parametrize("year", [2021, 2027])
def test_unknown_year_is_an_error_naming_the_year(lookup, year):
    with pytest.raises(TaxError, match=str(year)):
        lookup(year)


@pytest.mark.parametrize("lookup", LOOKUPS)
@pytest.mark.parametrize("year", ["2026", 2026.0, True])
def test_year_must_be_an_int(lookup, year):
    with pytest.raises(TaxError, match="year must be an int"):
        lookup(year)


def _figures(value):
    if isinstance(value, tuple):
        for item in value:
            yield from _figures(item)
    elif hasattr(value, "__dataclass_fields__"):
        for name, item in vars(value).items():
            if name not in ("year", "first_year", "last_year"):
                yield from _figures(item)
    else:
        yield value


def test_every_figure_is_a_decimal_or_an_open_bound():
    figures = list(_figures(tuple(TABLES)))
    assert len(figures) > 50
    for figure in figures:
        assert figure is None or isinstance(figure, Decimal), figure
