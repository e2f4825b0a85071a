"""Scenario: March is approved; in May corrected data for March arrive (a re-read meter, a contract that was
business after all, a late activation, an activation that never was). March is recomputed as a new version
and only the differences are booked, in May, as delta lines pointing at what they correct."""

from datetime import date
from decimal import Decimal

import polars as pl
from calc_kit import amounts_by
from calc_kit import assign
from calc_kit import bill
from calc_kit import contract
from calc_kit import inputs
from calc_kit import partner
from calc_kit import plan

from calc.pipeline import calculate
from calc.pipeline import recalculate
from calc.pipeline import with_deltas
from calc.versions import deltas
from calc.versions import effective_totals

MAR = date(2025, 3, 1)
MAY = date(2025, 5, 1)

AGENTS = plan(
    "agents",
    [
        {"kind": "one_off", "id": "activation",
         "rate_table": [{"when": {"segment": "business"}, "amount": "90.00"}, {"amount": "50.00"}]},
        {"kind": "recurring", "id": "kwh", "basis": "volume", "months": 12, "rate_table": [{"rate": "0.004"}]},
    ],
)


def _march(contracts, bills):
    return inputs(partners=[partner(2)], contracts=contracts, billing_lines=bills, assignments=[assign("agents", 2)])


ORIGINAL = _march(
    [contract("C1", 2, activated_on=date(2025, 3, 2)), contract("C2", 2, activated_on=date(2025, 3, 9)),
     contract("C3", 2, activated_on=date(2025, 3, 9))],
    [bill("B1", "C1", MAR, volume_milli=1_234_567, billing_line_id=1)],
)
CORRECTED = _march(
    [contract("C1", 2, activated_on=date(2025, 3, 2)),
     contract("C2", 2, activated_on=date(2025, 3, 9), segment="business", contract_id=77),
     contract("C4", 2, activated_on=date(2025, 3, 30))],  # C3 was never activated; C4 arrived late
    [bill("B1", "C1", MAR, volume_milli=1_500_000, billing_line_id=2)],  # new version of the same bill
)


def test_a_retro_recalculation_books_only_the_differences_in_the_current_period():
    approved = calculate(MAR, ORIGINAL, [AGENTS]).lines
    delta = recalculate(MAR, MAY, CORRECTED, [AGENTS], approved)
    by_source = {
        key.split("|")[4]: amount for key, amount in amounts_by(delta, "original_line_key").items()
    }
    assert by_source == {
        "billing_line:B1": Decimal("1.06"),  # 1,500 kWh → 6.00 instead of 1,234.567 kWh → 4.94
        "contract:C2": Decimal("40.00"),  # business: 90.00 instead of 50.00
        "contract:C3": Decimal("-50.00"),  # never activated: taken back
        "contract:C4": Decimal("50.00"),  # late activation
    }
    assert set(delta.get_column("period").to_list()) == {MAY}
    assert set(delta.get_column("line_kind").to_list()) == {"delta"}
    c2 = delta.filter(pl.col("source_ref").str.contains("contract:C2")).row(0, named=True)
    assert c2["contract_id"] == 77 and c2["rate"] == "90.00"  # described by the version it now uses

    # The May statement shows the deltas next to May's own lines.
    may = with_deltas(calculate(MAY, CORRECTED, [AGENTS]), delta)
    assert may.statements.item(0, "deltas_cents") == 4106


def test_recomputing_again_after_the_deltas_were_approved_gives_nothing_more():
    approved = calculate(MAR, ORIGINAL, [AGENTS]).lines
    first = recalculate(MAR, MAY, CORRECTED, [AGENTS], approved)
    both = pl.concat([approved, first])
    assert recalculate(MAR, date(2025, 6, 1), CORRECTED, [AGENTS], both).is_empty()
    assert recalculate(MAR, MAY, ORIGINAL, [AGENTS], approved).is_empty()


def test_approved_plus_deltas_equals_the_new_version_line_by_line():
    approved = calculate(MAR, ORIGINAL, [AGENTS]).lines
    recomputed = calculate(MAR, CORRECTED, [AGENTS]).lines
    delta = deltas(approved, recomputed, MAY)
    combined = dict(effective_totals(pl.concat([approved, delta])).rows())
    expected = dict(effective_totals(recomputed).rows())
    assert {k: v for k, v in combined.items() if v} == expected
