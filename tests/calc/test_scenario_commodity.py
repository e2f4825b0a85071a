"""Scenario: agents selling electricity and gas — one-offs from a rate table, recurring on kWh/Smc and on the
fixed fee, an accelerator crossed mid-month, exact to the cent."""

from datetime import date
from decimal import Decimal

import polars as pl
from calc_kit import amounts_by
from calc_kit import assign
from calc_kit import bill
from calc_kit import contract
from calc_kit import euros
from calc_kit import inputs
from calc_kit import partner
from calc_kit import plan

from calc.lineage import commission_lines
from calc.pipeline import calculate

MAR = date(2025, 3, 1)

RATE_TABLE = [
    {"when": {"product": "electricity", "segment": "business"}, "amount": "90.00"},
    {"when": {"product": "electricity", "territory": ["LOM", "PIE"]}, "amount": "55.00"},
    {"when": {"product": "electricity"}, "amount": "50.00"},
    {"when": {"product": "gas"}, "amount": "40.00"},
]


def test_one_off_takes_the_first_matching_row_and_is_dated_at_activation():
    agents = plan("agents", [{"kind": "one_off", "id": "activation", "rate_table": RATE_TABLE}])
    data = inputs(
        partners=[partner(2)],
        contracts=[
            # business in Lombardy: the business row comes first, so 90, not 55
            contract("C1", 2, segment="business", territory="LOM", activated_on=date(2025, 3, 3)),
            contract("C2", 2, territory="LOM", activated_on=date(2025, 3, 4)),
            contract("C3", 2, activated_on=date(2025, 3, 31)),
            contract("C4", 2, product="gas", activated_on=date(2025, 3, 10)),
            contract("C5", 2, product="pv", activated_on=date(2025, 3, 10)),  # no row matches: no line
            # signed in March but activated in February: it belongs to February
            contract("C6", 2, signed_on=date(2025, 3, 1), activated_on=date(2025, 2, 27)),
            contract("C7", 2, status="switching", signed_on=date(2025, 3, 2)),  # not active: nothing yet
        ],
        assignments=[assign("agents", 2)],
    )
    lines = calculate(MAR, data, [agents]).lines
    assert amounts_by(lines, "source_ref") == {
        "C1": Decimal("90.00"),
        "C2": Decimal("55.00"),
        "C3": Decimal("50.00"),
        "C4": Decimal("40.00"),
    }
    first = next(line for line in commission_lines(lines) if line.source_ref == "C1")
    assert (first.rate, first.basis, first.source_kind, first.plan_id, first.component_id) == (
        "90.00",
        "activation",
        "contract",
        "agents",
        "activation",
    )


def test_recurring_pays_per_unit_billed_and_on_the_fixed_fee_rounded_half_up_per_line():
    agents = plan(
        "agents",
        [
            {
                "kind": "recurring",
                "id": "volume",
                "basis": "volume",
                "months": 12,
                "rate_table": [
                    {"when": {"product": "electricity"}, "rate": "0.004"},
                    {"when": {"product": "gas"}, "rate": "0.012"},
                ],
            },
            {"kind": "recurring", "id": "fee", "basis": "fixed_fee", "months": 12, "rate_table": [{"rate": "0.05"}]},
        ],
    )
    data = inputs(
        partners=[partner(2)],
        contracts=[
            contract("E1", 2, activated_on=date(2024, 4, 2)),  # 11 months served: still in the window
            contract("E2", 2, activated_on=date(2024, 3, 15)),  # 12 months served: window closed
            contract("G1", 2, product="gas", activated_on=date(2025, 1, 5)),
            contract("E3", 2, activated_on=date(2025, 1, 5), status="terminated", terminated_on=MAR),
        ],
        billing_lines=[
            # 1,234.567 kWh × 0.004 = 4.938268 → 4.94; fee 12.50 × 5 % = 0.625 → 0.63 (half up)
            bill("B1", "E1", MAR, volume_milli=1_234_567, fixed_fee_cents=1250),
            bill("B2", "E2", MAR, volume_milli=1_000_000, fixed_fee_cents=1000),
            # 333.333 Smc × 0.012 = 3.999996 → 4.00
            bill("B3", "G1", MAR, volume_milli=333_333),
            # 1.250 kWh × 0.004 = 0.005 → 0.01: a tie rounds up, not to even
            bill("B4", "E1", MAR, volume_milli=1_250),
            bill("B5", "E3", MAR, volume_milli=1_000_000),  # supply ended on 1 March: no line
            bill("B6", "G1", date(2025, 2, 1), volume_milli=1_000_000),  # February's bill: not this run
        ],
        assignments=[assign("agents", 2)],
    )
    lines = calculate(MAR, data, [agents]).lines
    volume = lines.filter(pl.col("component_id") == "volume")
    assert amounts_by(volume, "source_ref") == {"B1": Decimal("4.94"), "B3": Decimal("4.00"), "B4": Decimal("0.01")}
    assert amounts_by(lines.filter(pl.col("component_id") == "fee"), "source_ref") == {"B1": Decimal("0.63")}
    b1 = volume.filter(pl.col("source_ref") == "B1").row(0, named=True)
    assert (b1["basis"], b1["basis_value"], b1["rate"], b1["contract_ref"]) == ("kWh", "1234.567", "0.004", "E1")
    assert volume.filter(pl.col("source_ref") == "B3").item(0, "basis") == "Smc"
    assert euros(lines) == Decimal("9.58")


def _activations(partner_id: int, count: int, first_day: int = 1) -> list[dict]:
    return [contract(f"P{partner_id}-{n}", partner_id, activated_on=date(2025, 3, first_day + n)) for n in range(count)]


def test_a_tier_crossed_mid_month_pays_the_whole_month_at_the_reached_rate_when_retroactive():
    tiers = [{"start": "5", "rate": "10.00"}, {"start": "10", "rate": "20.00"}]
    agents = plan("agents", [{"kind": "tiers", "id": "acc", "metric": "activations", "mode": "retroactive",
                              "tiers": tiers}])
    data = inputs(
        partners=[partner(2), partner(3), partner(4)],
        # partner 2 reaches its 10th activation on 10 March and ends the month at 12
        contracts=_activations(2, 12) + _activations(3, 4) + _activations(4, 7),
        assignments=[assign("agents", 2), assign("agents", 3), assign("agents", 4)],
    )
    lines = calculate(MAR, data, [agents]).lines
    assert amounts_by(lines, "partner_id") == {2: Decimal("240.00"), 4: Decimal("70.00")}  # 3 is below tier 1
    two = lines.filter(pl.col("partner_id") == 2).row(0, named=True)
    assert (two["tier"], two["basis_value"], two["rate"], two["source_kind"]) == (2, "12", "20.00", "metric")
    assert len(two["source_ids"].split(",")) == 12


def test_marginal_tiers_pay_each_slice_at_its_own_rate():
    tiers = [{"start": "0", "rate": "10.00"}, {"start": "5", "rate": "15.00"}, {"start": "10", "rate": "20.00"}]
    agents = plan("agents", [{"kind": "tiers", "id": "acc", "metric": "activations", "mode": "marginal",
                              "tiers": tiers}])
    data = inputs(partners=[partner(2)], contracts=_activations(2, 12), assignments=[assign("agents", 2)])
    lines = calculate(MAR, data, [agents]).lines
    # 5 × 10 + 5 × 15 + 2 × 20
    assert euros(lines) == Decimal("165.00")
    assert lines.item(0, "tier") == 3


def test_only_partners_assigned_on_the_activation_date_earn():
    agents = plan("agents", [{"kind": "one_off", "id": "activation", "rate_table": RATE_TABLE}])
    data = inputs(
        partners=[partner(2, groups=["north"]), partner(3, groups=["north"])],
        contracts=[
            contract("C1", 2, activated_on=date(2025, 3, 5)),
            contract("C2", 2, activated_on=date(2025, 3, 20)),
            contract("C3", 3, activated_on=date(2025, 3, 20)),
        ],
        # the group is on the plan until 15 March (exclusive); partner 3 alone from then on
        assignments=[assign("agents", group="north", valid_to=date(2025, 3, 15)),
                     assign("agents", 3, valid_from=date(2025, 3, 15))],
    )
    lines = calculate(MAR, data, [agents]).lines
    assert sorted(lines.get_column("source_ref").to_list()) == ["C1", "C3"]


def test_a_new_plan_version_from_mid_month_pays_sales_by_date_and_period_lines_once():
    components = [
        {"kind": "one_off", "id": "activation", "rate_table": [{"amount": "50.00"}]},
        {"kind": "tiers", "id": "acc", "metric": "activations", "mode": "retroactive",
         "tiers": [{"start": "1", "rate": "1.00"}]},
    ]
    v1 = plan("agents", components)
    v2 = plan("agents", [dict(components[0], rate_table=[{"amount": "60.00"}]), components[1]], version=2,
              valid_from="2025-03-15")
    data = inputs(
        partners=[partner(2)],
        contracts=[contract("C1", 2, activated_on=date(2025, 3, 5)), contract("C2", 2, activated_on=date(2025, 3, 20))],
        assignments=[assign("agents", 2, valid_to=date(2025, 3, 15)),
                     assign("agents", 2, version=2, valid_from=date(2025, 3, 15))],
    )
    lines = calculate(MAR, data, [v1, v2]).lines
    assert lines.select("source_ref", "plan_version", "amount_cents").sort("source_ref").rows() == [
        ("C1", 1, 5000),
        ("C2", 2, 6000),
        ("activations@2025-03-01", 2, 200),  # the accelerator once, under the version in force at month end
    ]
