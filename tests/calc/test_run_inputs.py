"""Run inputs are checked on entry: errors name the frame and the column; floats and overlaps are refused."""

from datetime import date

import polars as pl
import pytest
from calc_kit import assign
from calc_kit import contract
from calc_kit import frame
from calc_kit import inputs
from calc_kit import link
from calc_kit import partner
from calc_kit import plan

from calc.inputs import InputError
from calc.inputs import RunInputs
from calc.pipeline import calculate

MAR = date(2025, 3, 1)
AGENTS = plan("agents", [{"kind": "one_off", "id": "activation", "rate_table": [{"amount": "50.00"}]}])


def _contracts(**changes) -> pl.DataFrame:
    return frame("contracts", [contract("C1", 2, activated_on=date(2025, 3, 2))]).with_columns(**changes)


def _run(**frames):
    base = {"partners": frame("partners", [partner(2)]), "assignments": frame("assignments", [assign("agents", 2)])}
    base.update(frames)
    return calculate(MAR, RunInputs(**base), [AGENTS])


def test_a_missing_column_is_named_with_its_frame():
    with pytest.raises(InputError, match=r"^contracts\.activated_on: missing column$"):
        _run(contracts=_contracts().drop("activated_on"))


def test_float_money_is_refused():
    with pytest.raises(InputError, match=r"^contracts\.yearly_volume_milli: expected Int64, got Float64 \(floats"):
        _run(contracts=_contracts(yearly_volume_milli=pl.lit(2700.5)))


def test_narrow_integers_are_widened_and_unknown_words_refused():
    assert _run(contracts=_contracts(partner_id=pl.lit(2, dtype=pl.Int32))).lines.height == 1
    with pytest.raises(InputError, match=r"^contracts\.product: unknown value\(s\) \['water'\]"):
        _run(contracts=_contracts(product=pl.lit("water")))
    with pytest.raises(InputError, match=r"^contracts\.partner_id: null values are not allowed"):
        _run(contracts=_contracts(partner_id=pl.lit(None, dtype=pl.Int64)))


def test_overlapping_assignments_and_two_parents_on_one_day_are_refused():
    twice = frame("assignments", [assign("agents", 2), assign("agents", 2, valid_from=date(2025, 2, 1))])
    with pytest.raises(InputError, match=r"^assignments: partner 2 is assigned to plan 'agents' twice"):
        _run(assignments=twice, contracts=_contracts())
    parents = frame("hierarchy", [link(2, 1), link(2, 3, valid_from=date(2025, 2, 1))])
    with pytest.raises(InputError, match=r"^hierarchy: partner 2 has two parents on 2025-02-01"):
        _run(hierarchy=parents)


def test_the_period_is_a_first_of_month():
    with pytest.raises(InputError, match=r"^period: must be the first day"):
        calculate(date(2025, 3, 15), inputs(), [AGENTS])
