"""Scenario: the five demo plans calculated together for one small network in March 2025."""

from datetime import date
from datetime import datetime
from decimal import Decimal

import polars as pl
from calc_kit import amounts_by
from calc_kit import assign
from calc_kit import bill
from calc_kit import contract
from calc_kit import euros
from calc_kit import inputs
from calc_kit import link
from calc_kit import order
from calc_kit import partner

from calc.demo_plans import DEMO_PLANS
from calc.pipeline import calculate
from calc.plan import plan_from_dict

MAR = date(2025, 3, 1)


def test_all_demo_plans_in_one_run():
    plans = [plan_from_dict(document) for document in DEMO_PLANS]
    data = inputs(
        partners=[partner(1, "agency"), partner(2), partner(3, "call_centre"), partner(4, "installer"),
                  partner(5, "agent")],
        hierarchy=[link(2, 1)],
        contracts=[
            contract("E1", 2, territory="Lombardia", activated_on=date(2025, 3, 3)),  # 55.00
            contract("PV1", 2, product="pv", status="switching", signed_on=date(2025, 3, 4)),  # 150.00 held
            contract("C1", 3, segment="business", status="validated", signed_on=date(2025, 3, 5)),  # 35.00 held
            contract("C2", 3, activated_on=date(2025, 3, 6)),  # 20.00, signed and active in March
            contract("E5", 5, activated_on=date(2025, 3, 7)),
        ],
        billing_lines=[bill("B5", "E5", MAR, volume_milli=10_000_000)],  # 10,000 kWh for partner 5
        service_orders=[order("O1", 4, "wallbox_installation", datetime(2025, 3, 3, 8), datetime(2025, 3, 3, 12), 24)],
        targets=[{"partner_id": 3, "kpi": "activations", "target": "2"}],
        assignments=[
            assign("agents-commodity", 2),
            assign("agencies-override", 1),
            assign("call-centre", 3),
            assign("installers-sla", 4),
            assign("multi-year", 5, valid_from=date(2025, 3, 1)),
        ],
    )
    result = calculate(MAR, data, plans)
    lines = result.lines
    assert amounts_by(lines.filter(pl.col("partner_id") == 2), "component_id") == {
        "activation": Decimal("55.00"),
        "installation": Decimal("150.00"),
    }
    assert lines.filter(pl.col("source_ref") == "PV1").item(0, "status") == "held"
    # Agency 1: 10 % of agent 2's lines, held ones included (55.00 + 150.00)
    assert euros(lines, partner_id=1) == Decimal("20.50")
    # Call centre: 20.00 payable, 35.00 held until active; 1 activation of 2 = 50 %: below the 80 % threshold
    assert amounts_by(lines.filter(pl.col("partner_id") == 3), "status") == {
        "payable": Decimal("20.00"), "held": Decimal("35.00")}
    assert euros(lines, partner_id=4) == Decimal("120.00")
    # Partner 5 starts the multi-year agreement in March: the advance, and a formula bonus of
    # 10,000 × 0.002 + 1 × 3 = 23.00, topped up to the 200.00 guarantee; no recovery in the advance's month.
    assert amounts_by(lines.filter(pl.col("partner_id") == 5), "line_kind") == {
        "advance": Decimal("6000.00"), "formula": Decimal("23.00"), "guarantee": Decimal("177.00")}
    statement = result.statements.filter(pl.col("partner_id") == 2).row(0, named=True)
    assert (statement["gross_cents"], statement["held_cents"], statement["payable_cents"]) == (20500, -15000, 5500)
    # every line carries what documents print for it: its component's label, the limits' own
    labels = dict(lines.filter(pl.col("partner_id").is_in([1, 5])).select("component_id", "label").unique().iter_rows())
    assert labels == {"override": "Override sulla rete", "advance": "anticipo provvigionale soggetto a conguaglio",
                      "volume-bonus": "Bonus volumi", "limits": "Minimi garantiti e tetti"}
