"""TaxProfile: values and combinations checked at construction, with the field and value named."""

from decimal import Decimal

import pytest

from calc.tax import EnasarcoOverride
from calc.tax import TaxError
from calc.tax import TaxProfile

AGENT = dict(
    partner_kind="agent",
    legal_form="individual",
    vat_regime="ordinary",
    enasarco="multi_firm",
    reduced_withholding_base=False,
    principal_split_payment=False,
)


def _profile(**changes):
    return TaxProfile(**{**AGENT, **changes})


def test_a_valid_profile_has_the_defaults():
    profile = _profile()
    assert profile.stamp_rebilled is True
    assert profile.enasarco_payment_reason == "ZO"
    assert profile.enasarco_overrides == ()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("partner_kind", "broker"),
        ("legal_form", "cooperative"),
        ("vat_regime", "minimi"),
        ("enasarco", "yes"),
        ("enasarco_payment_reason", "Z"),
    ],
)
def test_unknown_value_names_field_and_value(field, value):
    with pytest.raises(TaxError, match=f"{field}: unknown value '{value}'"):
        _profile(**{field: value})


@pytest.mark.parametrize("field", ["reduced_withholding_base", "principal_split_payment", "stamp_rebilled"])
def test_flags_must_be_booleans(field):
    with pytest.raises(TaxError, match=f"{field}: expected True or False, got 'no'"):
        _profile(**{field: "no"})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"vat_regime": "flat_rate", "legal_form": "company"}, "needs legal_form 'individual'"),
        ({"vat_regime": "flat_rate", "legal_form": "partnership"}, "needs legal_form 'individual'"),
        ({"enasarco": "none"}, "enasarco must be 'mono_firm' or 'multi_firm'"),
        ({"partner_kind": "call_centre", "enasarco": "none"}, "enasarco must be 'mono_firm' or 'multi_firm'"),
        ({"partner_kind": "finder"}, "not to 'finder'"),
        ({"partner_kind": "installer", "enasarco": "mono_firm"}, "not to 'installer'"),
        (
            {"partner_kind": "professional", "enasarco": "none", "legal_form": "company"},
            "'professional' with",
        ),
        (
            {"vat_regime": "flat_rate", "reduced_withholding_base": True},
            "reduced_withholding_base applies only",
        ),
        ({"partner_kind": "installer", "enasarco": "none", "reduced_withholding_base": True}, "'installer'"),
        (
            {"partner_kind": "professional", "enasarco": "none", "reduced_withholding_base": True},
            "'professional'",
        ),
    ],
)
def test_unsupported_combination_is_refused(changes, message):
    with pytest.raises(TaxError, match=message):
        _profile(**changes)


def test_override_is_for_individual_agents_only():
    override = EnasarcoOverride(2026, Decimal("0.0425"), Decimal("0.085"))
    assert _profile(enasarco_overrides=(override,)).enasarco_override(2026) == override
    assert _profile(enasarco_overrides=(override,)).enasarco_override(2025) is None
    with pytest.raises(TaxError, match="enasarco_overrides apply only"):
        _profile(legal_form="company", enasarco_overrides=(override,))
    with pytest.raises(TaxError, match="enasarco_overrides apply only"):
        _profile(partner_kind="finder", enasarco="none", enasarco_overrides=(override,))


def test_override_years_are_unique_and_a_tuple():
    override = EnasarcoOverride(2026, Decimal("0.0425"), Decimal("0.085"))
    with pytest.raises(TaxError, match="more than one override"):
        _profile(enasarco_overrides=(override, override))
    with pytest.raises(TaxError, match="expected a tuple"):
        _profile(enasarco_overrides=[override])


@pytest.mark.parametrize("rate", [0.0425, Decimal("-0.01"), Decimal("1"), Decimal("NaN"), "0.04"])
def test_override_rate_must_be_a_decimal_fraction(rate):
    with pytest.raises(TaxError, match="agent_rate"):
        EnasarcoOverride(2026, rate, Decimal("0.085"))


def test_profile_is_frozen():
    profile = _profile()
    with pytest.raises(AttributeError):
        profile.vat_regime = "flat_rate"
