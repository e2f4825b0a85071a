"""Scenario: a sub-agent's sale earns overrides up the network; the contract ends early and is clawed back
at the original rate, overrides included; a moved sub-agent's older sale still credits its old upline; held
lines are released when their condition holds, in a later statement."""

from datetime import date
from decimal import Decimal

import polars as pl
from calc_kit import amounts_by
from calc_kit import assign
from calc_kit import bill
from calc_kit import contract
from calc_kit import euros
from calc_kit import inputs
from calc_kit import link
from calc_kit import partner
from calc_kit import plan

from calc.pipeline import calculate

JAN = date(2025, 1, 1)
APR = date(2025, 4, 1)


def _plans(mode="pro_rata"):
    agents = plan(
        "agents",
        [
            {"kind": "one_off", "id": "activation", "rate_table": [{"amount": "50.00"}]},
            {"kind": "clawback", "id": "storno", "of_components": ["activation"], "within_months": 6, "mode": mode},
        ],
    )
    override = plan(
        "override",
        [{"kind": "override", "id": "override", "levels": [{"level": 1, "rate": "0.10"}, {"level": 2, "rate": "0.03"}]}],
    )
    return [agents, override]


def _network(**extra):
    rows = dict(
        partners=[partner(1, "agency"), partner(2), partner(3, "sub_agent"), partner(4)],
        # sub-agent 3 reports to agent 2, and from 1 March to agent 4; both agents report to agency 1
        hierarchy=[link(2, 1), link(4, 1), link(3, 2, valid_to=date(2025, 3, 1)), link(3, 4, date(2025, 3, 1))],
        assignments=[assign("agents", 3), assign("override", 1), assign("override", 2), assign("override", 4)],
    )
    rows.update(extra)
    return inputs(**rows)


def test_overrides_follow_the_hierarchy_of_the_sale_date_and_are_clawed_back_with_the_sale():
    sold = contract("C1", 3, activated_on=date(2025, 1, 10))
    january = calculate(JAN, _network(contracts=[sold]), _plans())
    assert amounts_by(january.lines, "partner_id") == {
        3: Decimal("50.00"),
        2: Decimal("5.00"),  # level 1: 10 % of 50.00
        1: Decimal("1.50"),  # level 2: 3 % of 50.00
    }

    # Terminated on 20 April: 3 whole months served of 6, so half the one-off comes back (pro-rata).
    ended = contract("C1", 3, activated_on=date(2025, 1, 10), status="terminated", terminated_on=date(2025, 4, 20))
    new_sale = contract("C2", 3, activated_on=date(2025, 4, 2))
    april = calculate(APR, _network(contracts=[ended, new_sale]), _plans(), prior_lines=january.lines)
    lines = april.lines
    clawback = lines.filter(pl.col("line_kind") == "clawback").row(0, named=True)
    original_key = january.lines.filter(pl.col("partner_id") == 3).item(0, "line_key")
    assert (clawback["partner_id"], clawback["amount_cents"]) == (3, -2500)
    assert (clawback["original_line_key"], clawback["rate"], clawback["basis"]) == (original_key, "50.00", "activation")
    overrides = lines.filter(pl.col("line_kind") == "override")
    # The clawback is dated at the January sale, when 3 reported to 2: agent 2 loses 10 % of 25.00.
    # The April sale is credited to agent 4, 3's upline since March.
    assert amounts_by(overrides.filter(pl.col("partner_id") == 2), "source_ref") == {
        "3/agents/storno/clawback": Decimal("-2.50")
    }
    assert amounts_by(overrides.filter(pl.col("partner_id") == 4), "source_ref") == {
        "3/agents/activation/one_off": Decimal("5.00")
    }
    # Agency 1 is level 2 both times: 3 % of −25.00 (−0.75) and of 50.00 (1.50).
    assert euros(overrides, partner_id=1) == Decimal("0.75")
    assert euros(lines, partner_id=3) == Decimal("25.00")


def test_full_clawback_only_within_the_window_and_only_once():
    sold = contract("C1", 3, activated_on=date(2025, 1, 10))
    january = calculate(JAN, _network(contracts=[sold]), _plans("full"))
    ended = contract("C1", 3, activated_on=date(2025, 1, 10), status="cancelled", terminated_on=date(2025, 4, 20))
    april = calculate(APR, _network(contracts=[ended]), _plans("full"), prior_lines=january.lines)
    assert euros(april.lines, line_kind="clawback") == Decimal("-50.00")

    # Running April again with April's lines already booked does not claw back twice.
    prior = pl.concat([january.lines, april.lines])
    again = calculate(APR, _network(contracts=[ended]), _plans("full"), prior_lines=prior)
    assert again.lines.filter(pl.col("line_kind") == "clawback").is_empty()

    # Ended on 15 July, after 10 July (6 months from activation): outside the window.
    late = contract("C1", 3, activated_on=date(2025, 1, 10), status="terminated", terminated_on=date(2025, 7, 15))
    july = calculate(date(2025, 7, 1), _network(contracts=[late]), _plans("full"), prior_lines=january.lines)
    assert july.lines.filter(pl.col("line_kind") == "clawback").is_empty()


def _held_plan():
    return plan(
        "call-centre",
        [
            {"kind": "one_off", "id": "signed", "dated_on": "signed_on", "rate_table": [{"amount": "20.00"}],
             "hold": {"until": "active"}},
            {"kind": "recurring", "id": "kwh", "basis": "volume", "months": 12, "rate_table": [{"rate": "0.01"}],
             "hold": {"until": "bill_paid"}},
        ],
    )


def test_a_hold_is_released_two_periods_later_into_the_statement_of_the_release():
    cc = _held_plan()
    assigned = [assign("call-centre", 5)]
    march = date(2025, 3, 1)
    switching = contract("C10", 5, status="switching", signed_on=date(2025, 3, 3))
    m = calculate(march, inputs(partners=[partner(5, "call_centre")], contracts=[switching], assignments=assigned), [cc])
    held = m.lines.row(0, named=True)
    assert (held["status"], held["hold_until"], held["amount_cents"]) == ("held", "active", 2000)
    statement = m.statements.row(0, named=True)
    assert (statement["gross_cents"], statement["held_cents"], statement["payable_cents"]) == (2000, -2000, 0)

    april = calculate(APR, inputs(partners=[partner(5, "call_centre")], contracts=[switching], assignments=assigned),
                      [cc], prior_lines=m.lines)
    assert april.lines.is_empty()

    active = contract("C10", 5, status="active", signed_on=date(2025, 3, 3), activated_on=date(2025, 5, 1))
    may_inputs = inputs(partners=[partner(5, "call_centre")], contracts=[active], assignments=assigned)
    may = calculate(date(2025, 5, 1), may_inputs, [cc], prior_lines=m.lines)
    release = may.lines.row(0, named=True)
    assert (release["line_kind"], release["status"], release["amount_cents"]) == ("release", "released", 2000)
    assert release["original_line_key"] == held["line_key"]
    assert may.statements.row(0, named=True)["payable_cents"] == 2000

    june = calculate(date(2025, 6, 1), may_inputs, [cc], prior_lines=pl.concat([m.lines, may.lines]))
    assert june.lines.is_empty()  # released once only


def test_a_recurring_line_waits_for_its_bill_to_be_paid():
    cc = _held_plan()
    active = contract("C11", 5, activated_on=date(2025, 2, 3))
    unpaid = bill("B1", "C11", date(2025, 3, 1), volume_milli=100_000)  # 100 kWh × 0.01 = 1.00
    base = dict(partners=[partner(5, "call_centre")], contracts=[active], assignments=[assign("call-centre", 5)])
    march = calculate(date(2025, 3, 1), inputs(billing_lines=[unpaid], **base), [cc])
    assert march.lines.select("status", "hold_until", "amount_cents").row(0) == ("held", "bill_paid:B1", 100)

    paid = bill("B1", "C11", date(2025, 3, 1), volume_milli=100_000, paid=True, paid_on=date(2025, 4, 5))
    april = calculate(APR, inputs(billing_lines=[paid], **base), [cc], prior_lines=march.lines)
    assert april.lines.select("line_kind", "amount_cents").rows() == [("release", 100)]


def test_a_clawback_of_a_line_still_on_hold_closes_the_hold_without_taking_money_back():
    cc = plan(
        "call-centre",
        [
            {"kind": "one_off", "id": "signed", "dated_on": "signed_on", "rate_table": [{"amount": "20.00"}],
             "hold": {"until": "active"}},
            {"kind": "clawback", "id": "storno", "of_components": ["signed"], "within_months": 3},
        ],
    )
    base = dict(partners=[partner(5, "call_centre")], assignments=[assign("call-centre", 5)])
    switching = contract("C12", 5, status="switching", signed_on=date(2025, 3, 3))
    march = calculate(date(2025, 3, 1), inputs(contracts=[switching], **base), [cc])
    cancelled = contract("C12", 5, status="cancelled", signed_on=date(2025, 3, 3), terminated_on=date(2025, 4, 2))
    april = calculate(APR, inputs(contracts=[cancelled], **base), [cc], prior_lines=march.lines)
    clawback = april.lines.row(0, named=True)
    assert (clawback["line_kind"], clawback["status"], clawback["amount_cents"]) == ("clawback", "held", -2000)
    assert april.statements.row(0, named=True)["payable_cents"] == 0
    may = calculate(date(2025, 5, 1), inputs(contracts=[cancelled], **base), [cc],
                    prior_lines=pl.concat([march.lines, april.lines]))
    assert may.lines.is_empty()  # the hold is closed: nothing to release
