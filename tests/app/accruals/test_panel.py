"""The accrued-commissions panel: the dashboard loads it, it polls, and each user sees only their scope."""

from datetime import date

from app.extensions import db
from app.models import ContractStatus
from app.services import accrual
from tests.app.services.accrual.conftest import new_contract

HX = {"HX-Request": "true"}


def test_dashboard_loads_the_panel_for_sales_and_partners(client, auth, accrued):
    auth.login("sales")
    page = client.get("/").get_data(as_text=True)
    assert 'hx-get="/accruals/"' in page and 'hx-trigger="load"' in page
    auth.logout()
    auth.login("backoffice")
    assert 'hx-get="/accruals/"' not in client.get("/").get_data(as_text=True)


def test_sales_manager_sees_the_whole_network(client, auth, accrued):
    auth.login("sales")
    response = client.get("/accruals/", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers.get("Vary", "")
    assert html.lstrip().startswith('<article id="accrual-panel"') and 'hx-trigger="every 10s"' in html
    # every agent and sub-agent is guaranteed 60.00 on its plan (A2 sold nothing), every agent and agency
    # 10.00 on the override plan: 4 x 60.00 + 5 x 10.00
    assert "Paolo Neri" in html and "Agenzia Beta Srl" in html
    assert 'data-testid="accrued-total">290,00<' in html
    assert "accrual-chart-data" in html and "02/2026" in html


def test_the_panel_follows_events(client, auth, accrued):
    auth.login("sales")
    before = client.get("/accruals/", headers=HX).get_data(as_text=True)
    new_contract("C-B1-9", accrued.partners["B1"], date(2026, 2, 2), status=ContractStatus.ACTIVE,
                 activated_on=date(2026, 2, 3))
    accrual.on_contract_event(db.session, ["C-B1-9"])
    db.session.commit()
    after = client.get("/accruals/", headers=HX).get_data(as_text=True)
    assert 'data-testid="accrued-total">290,00<' in before
    # B1: 70.00 -> 120.93 (two activations, 10.00 of accelerator, no guarantee needed on its plan);
    # AGB: 10.00 -> 11.09, 10 % of B1's lines, past its guarantee
    assert 'data-testid="accrued-total">342,02<' in after


def test_partner_sees_itself_and_its_downline_only(client, auth, accrued):
    auth.login("agente")
    html = client.get("/accruals/", headers=HX).get_data(as_text=True)
    assert "Mario Rossi" in html and "Luca Bianchi" in html
    assert "Paolo Neri" not in html and "Agenzia Alfa" not in html
    # A1: 60.00 on its own plan + 10.00 override with guarantee; A1A: 60.00
    assert 'data-testid="accrued-total">130,00<' in html
    own = client.get(f"/accruals/partners/{accrued.partners['A1A']}", headers=HX)
    assert own.status_code == 200 and "Luca Bianchi" in own.get_data(as_text=True)
    assert client.get(f"/accruals/partners/{accrued.partners['B1']}").status_code == 403


def test_full_page_without_htmx(client, auth, accrued):
    auth.login("sales")
    html = client.get(f"/accruals/partners/{accrued.partners['AGB']}").get_data(as_text=True)
    assert "<html" in html and "Agenzia Beta Srl" in html and "Paolo Neri" in html


def test_no_open_period(client, auth, network):
    auth.login("sales")
    assert client.get("/accruals/", headers=HX).status_code == 200
