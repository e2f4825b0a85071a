"""Reading partners, statements and accrued balances: exact data, pages, filters, and a partner token's scope."""

from datetime import date

from app.extensions import db
from app.models import CommissionPeriod
from app.models import PeriodStatus
from app.services import accrual
from app.services.calculation import runner
from app.services.statements import publishing
from tests.factories import publish_test_plans


def _published_february():
    """Run, validate and publish February 2026 under the two test plans."""
    publish_test_plans(db.session)
    runner.run_period(db.session, None, date(2026, 2, 1))
    period = db.session.scalar(db.select(CommissionPeriod).where(CommissionPeriod.month == date(2026, 2, 1)))
    period.status = PeriodStatus.VALIDATED
    publishing.publish(db.session, None, date(2026, 2, 1))
    db.session.commit()


def test_partners_by_name_with_their_parent(api, network):
    body = api.get("/partners").get_json()
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (1, 50, 7, 1)
    assert [p["code"] for p in body["items"]] == ["AGA", "AGB", "A2", "I1", "A1A", "A1", "B1"]
    a1 = next(p for p in body["items"] if p["code"] == "A1")
    assert a1 == {"id": network.partners["A1"], "code": "A1", "name": "Mario Rossi", "kind": "agent",
                  "territory": "Lombardia", "vat_number": None, "fiscal_code": "RSSMRA80A01F205X", "city": None,
                  "province": None, "email": None, "active_from": "2025-01-01", "active_to": None,
                  "parent_id": network.partners["AGA"]}


def test_partner_pages_and_filters(api, network):
    second = api.get("/partners", per_page=3, page=2).get_json()
    assert (second["total"], second["pages"], [p["code"] for p in second["items"]]) == (7, 3, ["I1", "A1A", "A1"])
    assert [p["code"] for p in api.get("/partners", kind="agent").get_json()["items"]] == ["A2", "A1", "B1"]
    assert [p["code"] for p in api.get("/partners", q="rossi").get_json()["items"]] == ["A1"]
    refused = api.get("/partners", per_page=0, kind="boss")
    assert refused.status_code == 422
    assert sorted((e["field"], e["code"]) for e in refused.get_json()["errors"]) == [
        ("kind", "invalid"), ("per_page", "invalid")]


def test_partner_detail_and_404(api, network):
    body = api.get(f"/partners/{network.partners['A1A']}").get_json()
    assert (body["code"], body["kind"], body["parent_id"]) == ("A1A", "sub_agent", network.partners["A1"])
    missing = api.get("/partners/999999")
    assert missing.status_code == 404 and missing.get_json()["errors"][0]["code"] == "not_found"
    assert api.get("/partners/abc").status_code == 404
    assert api.get("/partners/abc").get_json()["errors"][0]["code"] == "not_found"


def test_a_partner_token_reads_its_downline_only(api_as, network):
    agent = api_as(["partners:read", "statements:read", "accruals:read"], "A1")
    assert [p["code"] for p in agent.get("/partners").get_json()["items"]] == ["A1A", "A1"]
    assert agent.get(f"/partners/{network.partners['A1A']}").status_code == 200
    assert agent.get(f"/partners/{network.partners['B1']}").status_code == 404
    assert agent.get("/accruals", partner_id=network.partners["B1"]).status_code == 404


def test_statements_of_a_period_with_exact_amounts(api, network):
    _published_february()
    body = api.get("/statements", period="2026-02").get_json()
    # agents: 50.00 activation + 231.500 kWh x 0.004 = 50.93; agencies: 10 % of their level-1 agents' lines
    gross = {s["partner_code"]: s["gross"] for s in body["items"]}
    assert gross == {"A1": "50.93", "A1A": "50.93", "AGA": "5.09", "AGB": "5.09", "B1": "50.93"}
    assert body["total"] == 5 and [s["partner_code"] for s in body["items"]] == ["A1", "A1A", "AGA", "AGB", "B1"]
    a1 = body["items"][0]
    assert a1["period"] == "2026-02" and a1["status"] == "published" and a1["partner_id"] == network.partners["A1"]
    assert all(isinstance(a1[name], str) and len(a1[name].split(".")[1]) == 2 for name in (
        "gross", "held", "payable", "adjustments", "taxable", "vat", "withholding", "enasarco_agent", "stamp_duty",
        "document_total", "net_payable"))
    assert api.get("/statements", period="2026-03").get_json()["items"] == []
    assert api.get("/statements", period="2026-13").status_code == 422

    detail = api.get(f"/statements/{a1['id']}").get_json()
    assert detail["gross"] == "50.93"
    assert [(c["plan_code"], c["component_id"], c["lines"], c["amount"], c["held"]) for c in detail["components"]] == [
        ("agents-test", "activation", 1, "50.00", "0.00"), ("agents-test", "consumption", 1, "0.93", "0.00")]
    assert api.get("/statements/999999").status_code == 404


def test_a_partner_token_sees_its_statements_only(api_as, network):
    _published_february()
    agent = api_as(["statements:read"], "A1")
    body = agent.get("/statements").get_json()
    assert [s["partner_code"] for s in body["items"]] == ["A1", "A1A"]
    other = api_as(["statements:read"])
    b1 = next(s for s in other.get("/statements").get_json()["items"] if s["partner_code"] == "B1")
    assert agent.get(f"/statements/{b1['id']}").status_code == 404


def test_accruals_of_the_latest_open_period(api, network):
    publish_test_plans(db.session)
    accrual.rebuild(db.session, date(2026, 2, 1))
    db.session.commit()
    body = api.get("/accruals").get_json()
    assert body["period"] == "2026-02"
    amounts = {(i["partner_code"], i["component_id"]): i["amount"] for i in body["items"]}
    assert amounts == {("A1", "activation"): "50.00", ("A1", "consumption"): "0.93",
                       ("A1A", "activation"): "50.00", ("A1A", "consumption"): "0.93",
                       ("AGA", "override"): "5.09", ("AGB", "override"): "5.09",
                       ("B1", "activation"): "50.00", ("B1", "consumption"): "0.93"}
    assert body["amount"] == "162.97" and body["total"] == 8
    assert api.get("/accruals", period="2026-05").get_json()["items"] == []
