"""The worked cases of tests/data/tax-cases.json (a copy of the shared golden file), to the cent."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from calc.tax import TaxProfile
from calc.tax import firr
from calc.tax import invoice_taxes

CASES = json.loads((Path(__file__).parents[2] / "data" / "tax-cases.json").read_text(encoding="utf-8"))
INVOICE_CASES = {case["name"]: case for case in CASES["invoice_cases"]}
FIRR_CASES = {case["name"]: case for case in CASES["firr_cases"]}
INVOICE_FIELDS = {
    "vat",
    "withholding",
    "enasarco_agent",
    "enasarco_principal",
    "stamp_duty",
    "document_total",
    "net_payable",
}


def _invoice(case):
    return invoice_taxes(
        TaxProfile(**case["profile"]),
        Decimal(case["taxable"]),
        date.fromisoformat(case["accrual_date"]),
        Decimal(case["enasarco_base_ytd"]),
    )


def test_the_golden_file_has_cases():
    assert len(INVOICE_CASES) == 6
    assert len(FIRR_CASES) == 2


@pytest.mark.parametrize("name", sorted(INVOICE_CASES))
def test_invoice_case(name):
    case = INVOICE_CASES[name]
    assert set(case["expected"]) == INVOICE_FIELDS
    result = _invoice(case)
    actual = {field: getattr(result, field) for field in INVOICE_FIELDS}
    assert actual == {field: Decimal(value) for field, value in case["expected"].items()}


@pytest.mark.parametrize("name", sorted(INVOICE_CASES))
def test_invoice_case_amounts_are_in_cents(name):
    result = _invoice(INVOICE_CASES[name])
    for field in INVOICE_FIELDS:
        assert getattr(result, field).as_tuple().exponent == -2, field


@pytest.mark.parametrize("year", [2022, 2023, 2024, 2025, 2026])
@pytest.mark.parametrize("name", sorted(FIRR_CASES))
def test_firr_case(name, year):
    case = FIRR_CASES[name]
    result = firr(case["mandate"], Decimal(case["year_commissions"]), case["months_active"], year=year)
    assert result == Decimal(case["expected"])
