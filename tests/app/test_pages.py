"""Pages and fragments: HTMX gets the partial with Vary, a full request gets the page; friendly errors."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db


def test_partner_search_fragment_and_page(client, auth, network):
    auth.login("backoffice")
    page = client.get("/partners?q=rossi")
    fragment = client.get("/partners?q=rossi", headers={"HX-Request": "true"})
    assert page.status_code == fragment.status_code == 200
    assert "HX-Request" in fragment.headers["Vary"]
    assert "<html" in page.get_data(as_text=True)
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith('<section id="partner-table">')
    assert "Mario Rossi" in body and "Paolo Neri" not in body


def test_boosted_request_gets_the_whole_page(client, auth, network):
    auth.login("backoffice")
    response = client.get("/partners", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in response.get_data(as_text=True)


def test_tree_as_of_date_shows_the_move(client, auth, network):
    auth.login("sales")
    before = client.get(f"/partners/{network.partners['AGB']}/children?as_of=2026-05-01").get_data(as_text=True)
    after = client.get(f"/partners/{network.partners['AGB']}/children?as_of=2026-06-01").get_data(as_text=True)
    assert "Giulia Verdi" not in before and "Giulia Verdi" in after


def test_partner_detail_shows_profile_upline_and_contracts(client, auth, network):
    auth.login("finance")
    body = client.get(f"/partners/{network.partners['A1A']}?as_of=2026-03-01").get_data(as_text=True)
    assert "Agenzia Alfa Srl" in body and "Mario Rossi" in body
    assert "<dt>ENASARCO</dt><dd>Plurimandatario</dd>" in body
    assert "C-A1A" in body


def test_contract_detail_lists_versions_and_billing(client, auth, network):
    auth.login("finance")
    body = client.get(f"/contracts/{network.contracts['C-A1']}").get_data(as_text=True)
    assert "2026-02" in body and "61,35" in body


def test_friendly_404_page(client, auth, network):
    auth.login("finance")
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Questa pagina non esiste" in response.get_data(as_text=True)


def test_health_check_is_public(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []


def test_pagination_links_between_pages(app, client, auth, network):
    app.config["PAGE_SIZE"] = 3
    auth.login("backoffice")
    first = client.get("/partners").get_data(as_text=True)
    assert "Pagina 1 di 3" in first and "page=2" in first
    second = client.get("/partners?page=2", headers={"HX-Request": "true"})
    assert second.status_code == 200
    body = second.get_data(as_text=True)
    assert "Pagina 2 di 3" in body and "page=1" in body and "page=3" in body


def test_htmx_form_post_redirects_with_hx_redirect(client, auth, network):
    auth.login("backoffice")
    partner_id = network.partners["A1"]
    response = client.post(f"/partners/{partner_id}/edit", headers={"HX-Request": "true"},
                           data={"csrf_token": auth.csrf(), "email": "a1@example.it"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/partners/{partner_id}"
