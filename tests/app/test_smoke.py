def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "Accedi" in response.get_data(as_text=True) or "Sign in" in response.get_data(as_text=True)


def test_login_and_dashboard(client, auth, network):
    response = auth.login("sales")
    assert response.status_code == 303
    page = client.get("/")
    assert page.status_code == 200
    assert 'data-panel="top-sellers"' in page.get_data(as_text=True)
