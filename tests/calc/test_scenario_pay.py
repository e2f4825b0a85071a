"""Scenario: what a partner is paid — an advance recovered over three statements, caps, guarantees and a floor
carried forward, SLA fees with penalties, a target bonus and a formula bonus, exact to the cent."""

import json
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
from calc_kit import order
from calc_kit import partner
from calc_kit import plan

from calc.pipeline import calculate
from calc.statement import statements

ONE_OFF = {"kind": "one_off", "id": "activation", "rate_table": [{"amount": "100.00"}]}


def _month(n: int) -> date:
    return date(2025, n, 1)


def _sales(partner_id: int, month: int, count: int) -> list[dict]:
    return [contract(f"{partner_id}-{month}-{n}", partner_id, activated_on=date(2025, month, 1 + n % 28))
            for n in range(count)]


def test_an_advance_is_recovered_over_three_statements_with_a_cap_and_the_balance_carried_forward():
    agreement = plan(
        "multi-year",
        [{"kind": "advance", "id": "advance", "amount": "6000.00", "recovery_rate": "0.30",
          "recovery_cap": "1000.00"}, ONE_OFF],
    )
    sales = {2: 10, 3: 50, 4: 0, 5: 20, 6: 100}
    prior = None
    payable = {}
    recovered = {}
    for month in range(1, 7):
        data = inputs(partners=[partner(7)], contracts=_sales(7, month, sales.get(month, 0)),
                      assignments=[assign("multi-year", 7)])
        result = calculate(_month(month), data, [agreement], prior_lines=prior)
        prior = result.lines if prior is None else pl.concat([prior, result.lines])
        payable[month] = euros(result.lines.filter(pl.col("status") != "held"))
        recovered[month] = euros(result.lines, line_kind="advance_recovery")
    advance = prior.filter(pl.col("line_kind") == "advance").row(0, named=True)
    assert (advance["amount_cents"], advance["period"], advance["label"]) == (
        600000, _month(1), "anticipo provvigionale soggetto a conguaglio")
    # Feb: 30 % of 1,000.00 = 300.00; Mar: 30 % of 5,000.00 capped at 1,000.00; Apr: nothing to recover from;
    # May: 30 % of 2,000.00 = 600.00; Jun: capped at 1,000.00 → 2,900.00 recovered, 3,100.00 carried forward.
    assert recovered == {1: Decimal("0.00"), 2: Decimal("-300.00"), 3: Decimal("-1000.00"), 4: Decimal("0.00"),
                         5: Decimal("-600.00"), 6: Decimal("-1000.00")}
    assert payable == {1: Decimal("6000.00"), 2: Decimal("700.00"), 3: Decimal("4000.00"), 4: Decimal("0.00"),
                       5: Decimal("1400.00"), 6: Decimal("9000.00")}
    last = prior.filter(pl.col("line_kind") == "advance_recovery").sort("period").row(-1, named=True)
    assert json.loads(last["inputs"])["outstanding_after_cents"] == 310000
    assert last["original_line_key"] == advance["line_key"]


def test_cap_and_minimum_guarantee_per_partner_and_period():
    limited = plan("limited", [ONE_OFF], limits={"cap": "250.00", "guarantee": "120.00"})
    data = inputs(
        partners=[partner(2), partner(3), partner(4)],
        contracts=_sales(2, 3, 3) + _sales(3, 3, 1),
        assignments=[assign("limited", 2), assign("limited", 3), assign("limited", 4)],
    )
    result = calculate(_month(3), data, [limited])
    assert amounts_by(result.lines.filter(pl.col("component_id") == "limits"), "partner_id") == {
        2: Decimal("-50.00"),  # 300.00 earned, capped at 250.00
        3: Decimal("20.00"),  # 100.00 earned, guaranteed 120.00
        4: Decimal("120.00"),  # nothing earned, guaranteed 120.00
    }
    totals = {s.partner_id: (s.gross, s.adjustments, s.payable) for s in statements(result.lines)}
    assert totals[2] == (Decimal("300.00"), Decimal("-50.00"), Decimal("250.00"))
    assert totals[4] == (Decimal("0.00"), Decimal("120.00"), Decimal("120.00"))


def test_a_floor_keeps_the_statement_at_zero_and_recovers_the_top_up_next_period():
    floored = plan(
        "floored",
        [ONE_OFF, {"kind": "clawback", "id": "storno", "of_components": ["activation"], "within_months": 6}],
        limits={"floor": "0"},
    )
    sold = contract("C1", 2, activated_on=date(2025, 1, 10))
    base = dict(partners=[partner(2)], assignments=[assign("floored", 2)])
    january = calculate(_month(1), inputs(contracts=[sold], **base), [floored])
    ended = contract("C1", 2, activated_on=date(2025, 1, 10), status="cancelled", terminated_on=date(2025, 2, 3))
    february = calculate(_month(2), inputs(contracts=[ended], **base), [floored], prior_lines=january.lines)
    assert amounts_by(february.lines, "line_kind") == {"clawback": Decimal("-100.00"), "floor": Decimal("100.00")}
    assert february.statements.item(0, "payable_cents") == 0
    march = calculate(_month(3), inputs(contracts=[ended, *_sales(2, 3, 2)], **base), [floored],
                      prior_lines=pl.concat([january.lines, february.lines]))
    assert amounts_by(march.lines, "line_kind") == {"one_off": Decimal("200.00"), "floor_recovery": Decimal("-100.00")}
    assert march.statements.item(0, "payable_cents") == 10000


def test_sla_fees_are_reduced_when_the_sla_is_missed_and_penalised_for_failures_and_bad_ratings():
    sla = plan(
        "installers",
        [{"kind": "sla_fee", "id": "jobs", "missed_factor": "0.5", "failed_penalty": "25.00",
          "repeat_visit_penalty": "15.00", "rating_below": 3, "rating_penalty": "10.00",
          "rate_table": [{"when": {"job_type": "wallbox"}, "amount": "120.00"},
                         {"when": {"job_type": "heat_pump"}, "amount": "350.00"}, {"amount": "60.00"}]}],
    )

    def at(day, hour):
        return datetime(2025, 3, day, hour)

    orders = [
        order("O1", 8, "wallbox", at(3, 8), at(4, 7), 24),  # 23 h: within SLA
        order("O2", 8, "wallbox", at(5, 8), at(6, 12), 24),  # 28 h: missed, fee halved
        order("O3", 8, "heat_pump", at(7, 8), at(8, 8), 48, first_time_fix=False, rating=2),
        order("O4", 8, "meter", at(9, 8), at(9, 18), 24, outcome="failed"),
        order("O5", 8, "wallbox", at(10, 8), at(10, 9), 24, outcome="cancelled"),
        order("O6", 8, "wallbox", datetime(2025, 2, 27, 8), datetime(2025, 2, 27, 9), 24),  # February's
    ]
    data = inputs(partners=[partner(8, "installer")], service_orders=orders, assignments=[assign("installers", 8)])
    lines = calculate(_month(3), data, [sla]).lines
    fees = amounts_by(lines.filter(pl.col("line_kind") == "sla_fee"), "source_ref")
    penalties = amounts_by(lines.filter(pl.col("line_kind") == "sla_penalty"), "source_ref")
    assert fees == {"O1": Decimal("120.00"), "O2": Decimal("60.00"), "O3": Decimal("350.00")}
    assert penalties == {"O3": Decimal("-25.00"), "O4": Decimal("-25.00")}  # repeat visit 15 + rating 10; failed
    assert euros(lines) == Decimal("480.00")
    missed = lines.filter(pl.col("source_ref") == "O2").row(0, named=True)
    assert missed["rate"] == "120.00 × 0.5" and json.loads(missed["inputs"])["within_sla"] is False


def test_target_bonus_pays_linearly_from_the_first_threshold_up_to_the_cap():
    bonus = plan(
        "cc",
        [{"kind": "target_bonus", "id": "target", "metric": "activations", "kpi": "activations",
          "incentive": "1000.00", "linear": True, "cap": "1.5",
          "thresholds": [{"attainment": "0.8", "factor": "0.5"}, {"attainment": "1", "factor": "1"}]}],
    )
    stepped = plan(
        "steps",
        [{"kind": "target_bonus", "id": "target", "metric": "activations", "kpi": "activations",
          "incentive": "1000.00",
          "thresholds": [{"attainment": "0.8", "factor": "0.5"}, {"attainment": "1", "factor": "1"}]}],
    )
    counts = {2: 7, 3: 8, 4: 12, 5: 20, 6: 9}
    data = inputs(
        partners=[partner(p, "call_centre") for p in counts],
        contracts=[c for p, n in counts.items() for c in _sales(p, 3, n)],
        targets=[{"partner_id": p, "kpi": "activations", "target": "10"} for p in counts],
        assignments=[assign("cc", p) for p in (2, 3, 4, 5)] + [assign("steps", 6)],
    )
    lines = calculate(_month(3), data, [bonus, stepped]).lines
    assert amounts_by(lines, "partner_id") == {
        3: Decimal("800.00"),  # 80 %: linear from the first threshold
        4: Decimal("1200.00"),
        5: Decimal("1500.00"),  # 200 % capped at 150 %
        6: Decimal("500.00"),  # 90 % on steps: the 80 % step pays half
    }  # partner 2 at 70 % gets nothing
    assert json.loads(lines.filter(pl.col("partner_id") == 4).item(0, "inputs"))["attainment"] == "1.2"


def test_a_formula_component_is_evaluated_on_exact_metrics_per_partner():
    formula = plan("formula", [{"kind": "formula", "id": "bonus",
                                "expression": "min(kwh_billed * 0.002 + activations * 3, 800)"}])
    data = inputs(
        partners=[partner(2), partner(3)],
        contracts=_sales(2, 3, 2) + [contract("BIG", 3, activated_on=date(2025, 1, 2))],
        billing_lines=[
            bill("B1", "2-3-0", _month(3), volume_milli=10_000_500),  # 10,000.5 kWh
            bill("B2", "BIG", _month(3), volume_milli=500_000_000),
        ],
        assignments=[assign("formula", 2), assign("formula", 3)],
    )
    lines = calculate(_month(3), data, [formula]).lines
    # 10,000.5 × 0.002 + 2 × 3 = 26.001 → 26.00; partner 3: 1,000 + 0, capped at 800
    assert amounts_by(lines, "partner_id") == {2: Decimal("26.00"), 3: Decimal("800.00")}
    two = lines.filter(pl.col("partner_id") == 2).row(0, named=True)
    assert two["formula"] == "min(kwh_billed * 0.002 + activations * 3, 800)"
    assert json.loads(two["inputs"]) == {"activations": "2", "kwh_billed": "10000.5"}
