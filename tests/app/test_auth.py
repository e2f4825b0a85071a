"""Signing in and out, CSRF, the safe redirect after login, and the login trail in the audit log."""

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry
from app.models import User


def test_good_login_redirects_to_dashboard_and_is_audited(client, auth, network):
    response = auth.login("finance")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.login"))
    assert entry.actor == "finance"


def test_wrong_password_is_refused_and_audited(client, auth, network):
    response = auth.login("finance", "wrong")
    assert response.status_code == 401
    assert client.get("/").status_code == 302
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.login_failed")) is not None


def test_inactive_user_cannot_sign_in(client, auth, network):
    user = db.session.get(User, network.users["finance"])
    user.active = False
    db.session.commit()
    assert auth.login("finance").status_code == 401


def test_login_without_csrf_token_is_rejected(client, network):
    response = client.post("/login", data={"username": "finance", "password": "secret"})
    assert response.status_code == 400


def test_next_parameter_only_allows_local_paths(client, auth, network):
    token = auth.csrf("/login")
    response = client.post("/login?next=https://evil.example/x",
                           data={"username": "sales", "password": "secret", "csrf_token": token})
    assert response.headers["Location"] == "/"
    auth.logout()
    token = auth.csrf("/login")
    response = client.post("/login?next=/partners",
                           data={"username": "sales", "password": "secret", "csrf_token": token})
    assert response.headers["Location"] == "/partners"


def test_anonymous_is_sent_to_login(client, network):
    response = client.get("/partners")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_logout_needs_post_with_token(client, auth, network):
    auth.login("sales")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert auth.logout().status_code == 303
    assert client.get("/").status_code == 302


def test_language_switch_to_english_and_back(client, auth, network):
    auth.login("sales")
    assert "Esci" in client.get("/").get_data(as_text=True)
    client.post("/language/en", data={"csrf_token": auth.csrf()})
    assert "Sign out" in client.get("/").get_data(as_text=True)
    assert db.session.get(User, network.users["sales"]).locale == "en"
    client.post("/language/it", data={"csrf_token": auth.csrf()})
    assert "Esci" in client.get("/").get_data(as_text=True)
