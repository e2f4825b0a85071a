"""The partner page links only the partners its reader may open (a partner user reads the agencies above its
scope, and a past downline no longer its own, as names) and names the fiscal profile's facts in Italian."""

import re
from datetime import UTC
from datetime import datetime

import pytest
import time_machine


@pytest.fixture(autouse=True)
def today():
    """Pin today after A2 moved from AGA to AGB (2026-06-01): visibility is today's network."""
    with time_machine.travel(datetime(2026, 7, 1, 9, 0, tzinfo=UTC), tick=False):
        yield


def _breadcrumb(page: str) -> str:
    return re.search(r'<nav aria-label="breadcrumb" class="breadcrumb">\s*<ul>\s*(.*?)\s*</ul>', page, re.S).group(1)


def _direct_partners(page: str) -> str:
    return re.search(r'<ul class="columns">(.*?)</ul>', page, re.S).group(1)


def test_a_sub_agent_reads_its_upline_as_names(client, auth, network):
    p = network.partners
    auth.login("subagente")
    for upline_id in (p["AGA"], p["A1"]):
        assert client.get(f"/partners/{upline_id}").status_code == 403
    page = client.get(f"/partners/{p['A1A']}?as_of=2026-03-01").get_data(as_text=True)
    assert _breadcrumb(page) == "<li>Agenzia Alfa Srl</li><li>Mario Rossi</li>\n    <li>Luca Bianchi</li>"


def test_an_agent_links_itself_but_not_its_agency(client, auth, network):
    p = network.partners
    auth.login("agente")
    assert client.get(f"/partners/{p['AGA']}").status_code == 403
    page = client.get(f"/partners/{p['A1A']}?as_of=2026-03-01").get_data(as_text=True)
    assert _breadcrumb(page) == (f'<li>Agenzia Alfa Srl</li><li><a href="/partners/{p["A1"]}?as_of=2026-03-01">'
                                 "Mario Rossi</a></li>\n    <li>Luca Bianchi</li>")
    assert client.get(f"/partners/{p['A1']}?as_of=2026-03-01").status_code == 200


def test_staff_link_the_whole_upline(client, auth, network):
    p = network.partners
    auth.login("finance")
    page = client.get(f"/partners/{p['A1A']}?as_of=2026-03-01").get_data(as_text=True)
    assert _breadcrumb(page) == (f'<li><a href="/partners/{p["AGA"]}?as_of=2026-03-01">Agenzia Alfa Srl</a></li>'
                                 f'<li><a href="/partners/{p["A1"]}?as_of=2026-03-01">Mario Rossi</a></li>\n'
                                 "    <li>Luca Bianchi</li>")


def test_an_agency_reads_a_past_direct_partner_no_longer_its_own_as_a_name(client, auth, network):
    p = network.partners
    auth.login("agenzia")
    assert client.get(f"/partners/{p['A2']}").status_code == 403  # Giulia Verdi is under AGB since June
    page = client.get(f"/partners/{p['AGA']}?as_of=2026-03-01").get_data(as_text=True)
    assert _direct_partners(page) == (
        '<li>Giulia Verdi <small class="muted">Agente</small></li>'
        f'<li><a href="/partners/{p["A1"]}?as_of=2026-03-01">Mario Rossi</a> <small class="muted">Agente</small></li>')


def test_the_network_tree_names_a_past_child_no_longer_its_own_and_does_not_expand_it(client, auth, network):
    p = network.partners
    auth.login("agenzia")
    nodes = client.get(f"/partners/{p['AGA']}/children?as_of=2026-03-01",
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    past = nodes[nodes.index(f'id="node-{p["A2"]}"'):]
    past = past[:past.index("</li>")]
    assert 'data-testid="not-linked">Giulia Verdi' in past
    assert "href=" not in past and "hx-get" not in past
    own = nodes[nodes.index(f'id="node-{p["A1"]}"'):]
    assert f'hx-get="/partners/{p["A1"]}/children?as_of=2026-03-01"' in own[:own.index("</li>")]
    assert client.get(f"/partners/{p['A1']}/children?as_of=2026-03-01").status_code == 200


def _facts(page: str) -> dict[str, str]:
    profile = page[page.index("Profilo fiscale al"):]
    return dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", profile[:profile.index("</dl>")]))


def test_the_fiscal_profile_is_named_in_italian(client, auth, network):
    auth.login("backoffice")
    agency = _facts(client.get(f"/partners/{network.partners['AGA']}").get_data(as_text=True))
    assert {key: agency[key] for key in ("Categoria fiscale", "Forma giuridica", "Regime IVA", "ENASARCO")} == {
        "Categoria fiscale": "Agente", "Forma giuridica": "Società di capitali", "Regime IVA": "Ordinario",
        "ENASARCO": "Plurimandatario"}
    installer = _facts(client.get(f"/partners/{network.partners['I1']}").get_data(as_text=True))
    assert installer["Categoria fiscale"] == "Installatore" and installer["ENASARCO"] == "Non iscritto"
    sub_agent = _facts(client.get(f"/partners/{network.partners['A1A']}").get_data(as_text=True))
    assert sub_agent["Forma giuridica"] == "Persona fisica / ditta individuale"
