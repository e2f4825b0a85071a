"""Pushing a contract, then a billing line, updates the accrued balances at once, as a full run would."""

from decimal import Decimal

from app.extensions import db
from app.services import accrual
from tests.app.services.accrual.conftest import FEBRUARY
from tests.app.services.accrual.conftest import assert_equals_full_run
from tests.app.services.accrual.conftest import partner_total
from tests.app.services.accrual.conftest import planned  # noqa: F401 - the fixture, reused


def test_pushed_contract_then_billing_line_update_the_accrued_balance(api, planned):  # noqa: F811
    accrual.rebuild(db.session, FEBRUARY)
    db.session.commit()
    b1, agb = planned.partners["B1"], planned.partners["AGB"]
    # B1: one activation (50.00) and 231.500 kWh x 0.004 (0.93) under its 60.00 guarantee, plus the 10.00
    # guarantee of the override plan; AGB: 10 % of B1's lines is 5.09, under its 10.00 guarantee
    assert (partner_total(b1), partner_total(agb)) == (Decimal("70.00"), Decimal("10.00"))

    pushed = api.post("/contracts", {
        "contract_id": "C-B1-9", "customer_id": "CU-C-B1-9", "customer_name": "Cliente Nove", "segment": "residential",
        "territory": "Lazio", "partner_code": "B1", "product_code": "ELE", "offer_code": "ELE-FIX",
        "supply_point": "IT001E99999999", "status": "active", "signed_on": "2026-02-02", "activated_on": "2026-02-03",
        "yearly_volume": "2700.000"})
    assert pushed.status_code == 200
    db.session.expire_all()
    # B1: two activations (100.00) reach the accelerator's tier (2 x 5.00) + 0.93 + 10.00 override guarantee;
    # AGB: 10 % of 50.00 + 50.00 + 10.00 + 0.93 = 11.09
    assert (partner_total(b1), partner_total(agb)) == (Decimal("120.93"), Decimal("11.09"))

    billed = api.post("/billing-lines", [{
        "billing_line_id": "BL-C-B1-9-2026-02", "contract_id": "C-B1-9", "period_start": "2026-02-03",
        "period_end": "2026-02-28", "volume": "250.000", "amount_billed": "66.10", "fixed_fee_billed": "12.00",
        "paid": True, "paid_on": "2026-02-27"}])
    assert billed.status_code == 200
    db.session.expire_all()
    # 250.000 kWh x 0.004 = 1.00 more for B1, and 10 % of it (0.10) for AGB
    assert (partner_total(b1), partner_total(agb)) == (Decimal("121.93"), Decimal("11.19"))
    assert_equals_full_run()

    read = api.get("/accruals", partner_id=b1, period="2026-02").get_json()
    assert read["period"] == "2026-02" and read["amount"] == "121.93"
    assert sum(Decimal(item["amount"]) for item in read["items"]) == Decimal("121.93")
    assert {item["partner_code"] for item in read["items"]} == {"B1"}
    assert all(isinstance(item["amount"], str) and len(item["amount"].split(".")[1]) == 2 for item in read["items"])
