"""Plan documents: the demo plans read and write back unchanged; bad documents are refused with the path of
the bad value; formulas are checked when the plan is loaded."""

import copy
from datetime import date
from decimal import Decimal

import pytest
import yaml

from calc.demo_plans import AGENTS_COMMODITY
from calc.demo_plans import DEMO_PLANS
from calc.plan import OneOff
from calc.plan import PlanError
from calc.plan import plan_from_dict
from calc.plan import plan_to_dict


@pytest.mark.parametrize("document", DEMO_PLANS, ids=lambda d: d["plan_id"])
def test_demo_plans_round_trip_through_yaml(document):
    loaded = plan_from_dict(document)
    text = yaml.safe_dump(plan_to_dict(loaded), allow_unicode=True, sort_keys=False)
    assert plan_from_dict(yaml.safe_load(text)) == loaded


def test_the_agents_plan_reads_into_business_objects():
    agents = plan_from_dict(AGENTS_COMMODITY)
    activation = agents.component("activation")
    assert isinstance(activation, OneOff)
    assert activation.rate_table[0].amount == Decimal("90.00")
    assert activation.rate_table[0].when.conditions[0].field == "product"
    assert agents.valid_from == date(2025, 1, 1)
    assert agents.component("installation").hold.until == "active"


def _broken(path, value):
    document = copy.deepcopy(AGENTS_COMMODITY)
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return document


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("components", 0, "rate_table", 2, "amount"), "fifty", "components[0].rate_table[2].amount: not an amount"),
        (("components", 0, "rate_table", 2, "amount"), 50.0, "components[0].rate_table[2].amount: not an amount"),
        (("components", 2, "months"), "12", "components[2].months: expected an integer"),
        (("components", 1, "kind"), "bogus", "components[1].kind: 'bogus' is not one of"),
        (("components", 1, "hold", "until"), "never", "components[1].hold.until: 'never' is not one of"),
        (("components", 0, "filter"), {"colour": "red"}, "components[0].filter.colour: unknown filter field"),
        (("components", 4, "metric"), "happiness", "components[4].metric: unknown metric 'happiness'"),
        (("components", 5, "of_components"), ["consumption", "nope"], "components[5].of_components[1]: 'nope'"),
        (("components", 4, "tiers", 1, "start"), "5", "components[4].tiers[1].start: must be greater"),
        (("components", 1, "id"), "activation", "components[1].id: missing or duplicate id"),
        (("valid_from",), "first of January", "valid_from: not a date"),
        (("components", 0, "colour"), "red", "components[0].colour: unknown field"),
        (("components", 0, "hold"), {"until": "bill_paid"}, "components[0].hold.until: 'bill_paid' applies"),
        (("components", 4, "hold"), {"until": "active"}, "components[4].hold.until: 'active' applies"),
        (("components", 4, "hold"), {"until": "periods"}, "components[4].hold.periods: must be 1 or more"),
    ],
)
def test_bad_documents_are_refused_with_the_path_of_the_bad_value(path, value, message):
    with pytest.raises(PlanError) as error:
        plan_from_dict(_broken(path, value))
    assert str(error.value).startswith(message)


def test_a_missing_required_field_is_named():
    document = copy.deepcopy(AGENTS_COMMODITY)
    del document["components"][2]["basis"]
    with pytest.raises(PlanError, match=r"^components\[2\]\.basis: required"):
        plan_from_dict(document)


def test_formulas_are_compiled_when_the_plan_is_loaded():
    document = {"plan_id": "f", "version": 1, "name": "f", "valid_from": "2025-01-01",
                "components": [{"kind": "formula", "id": "x", "expression": "activations * 3 +"}]}
    with pytest.raises(PlanError, match=r"^components\[0\]\.expression: "):
        plan_from_dict(document)
    document["components"][0]["expression"] = "unknown_metric * 3"
    with pytest.raises(PlanError, match=r"^components\[0\]\.expression: "):
        plan_from_dict(document)
    document["components"][0]["expression"] = "attainment * 100"
    with pytest.raises(PlanError, match=r"^components\[0\]\.kpi: 'attainment' needs both kpi and metric"):
        plan_from_dict(document)
    document["components"][0]["expression"] = "max(activations * 3, kwh_billed / 100)"
    assert plan_from_dict(document).components[0].expression == "max(activations * 3, kwh_billed / 100)"
