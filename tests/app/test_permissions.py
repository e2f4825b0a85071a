"""The role and scope check of every route: route × role × own/other partner.

The expected outcome is written out here, independently of the decorators, so a guard that is loosened or
forgotten fails a test. A route that is added without a row here fails ``test_every_route_is_in_the_matrix``.
"""

import pytest

STAFF = ["admin", "backoffice", "lead", "sales", "finance", "auditor"]
USERS = STAFF + ["agente"]
ALL = set(USERS)
EDITORS = {"admin", "backoffice", "lead"}

# endpoint -> (method, path template, who may call it, scoped to the partner's downline)
# "{partner}" / "{contract}" are filled with the partner user's own (A1A, in its downline) or another's (B1).
MATRIX = {
    "dashboard.index": ("GET", "/", ALL, False),
    "network.partner_list": ("GET", "/partners", ALL, False),
    "network.tree": ("GET", "/network", ALL, False),
    "network.children": ("GET", "/partners/{partner}/children", ALL, True),
    "network.partner_detail": ("GET", "/partners/{partner}", ALL, True),
    "network.partner_edit": ("GET", "/partners/{partner}/edit", EDITORS, True),
    "network.partner_move": ("POST", "/partners/{partner}/move", {"admin", "backoffice"}, True),
    "network.fiscal_profiles": ("GET", "/partners/{partner}/fiscal-profiles", EDITORS, True),
    "network.contract_list": ("GET", "/contracts", ALL, False),
    "network.contract_detail": ("GET", "/contracts/{contract}", ALL, True),
    "audit.index": ("GET", "/audit/", {"auditor", "admin"}, False),
    "auth.logout": ("POST", "/logout", ALL, False),
}
PUBLIC = {"auth.login", "auth.language", "healthz", "static"}


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - PUBLIC == set(MATRIX)


def test_every_view_declares_a_policy(app):
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        assert hasattr(view, "allowed_roles"), f"{endpoint} has no @requires or @public"
        if endpoint in PUBLIC:
            assert view.allowed_roles is None
        else:
            assert view.allowed_roles, f"{endpoint} allows nobody"


def _url(template: str, network, scope: str) -> str:
    partner = network.partners["A1A" if scope == "own" else "B1"]
    contract = network.contracts["C-A1A" if scope == "own" else "C-B1"]
    return template.format(partner=partner, contract=contract)


@pytest.mark.parametrize("scope", ["own", "other"])
@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_route_role_scope(client, auth, network, endpoint, username, scope):
    method, template, allowed, scoped = MATRIX[endpoint]
    auth.login(username)
    url = _url(template, network, scope)
    if method == "GET":
        response = client.get(url)
    else:
        data = {"csrf_token": auth.csrf(), "valid_from": "2026-10-01", "new_parent_code": "AGA"}
        response = client.post(url, data=data)
    may = username in allowed and not (scoped and username == "agente" and scope == "other")
    if may:
        assert response.status_code in (200, 303), response.get_data(as_text=True)[:300]
    else:
        assert response.status_code == 403


def test_partner_list_shows_only_the_downline(client, auth, network):
    auth.login("agente")
    page = client.get("/partners").get_data(as_text=True)
    assert "Luca Bianchi" in page and "Mario Rossi" in page
    assert "Paolo Neri" not in page and "Agenzia Alfa" not in page


def test_contract_list_shows_only_the_downline(client, auth, network):
    auth.login("agente")
    page = client.get("/contracts").get_data(as_text=True)
    assert "C-A1A" in page and "C-A1" in page
    assert "C-B1" not in page


def test_agency_sees_its_whole_downline_in_the_tree(client, auth, network):
    auth.login("agenzia")
    page = client.get(f"/partners/{network.partners['A1']}/children?as_of=2026-03-01").get_data(as_text=True)
    assert "Luca Bianchi" in page
    assert client.get(f"/partners/{network.partners['AGB']}").status_code == 403


def test_unknown_partner_is_404_for_staff(client, auth, network):
    auth.login("backoffice")
    assert client.get("/partners/999999").status_code == 404
