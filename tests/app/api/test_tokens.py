"""API tokens: created in the admin UI (secret shown once, only its sha256 stored), scoped, revoked → 401."""

import hashlib
import re

from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken
from app.models import AuditEntry
from app.services import api_tokens
from tests.app.api.conftest import Api


def _create(client, auth, **fields):
    data = {"csrf_token": auth.csrf("/admin/api-tokens/"), "name": "CRM produzione",
            "scopes": ["contracts:write", "partners:read"], **fields}
    return client.post("/admin/api-tokens/", data=data)


def test_admin_creates_a_token_and_sees_the_secret_once(client, auth, network):
    auth.login("admin")
    response = _create(client, auth)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    secret = re.search(r'data-testid="token-secret"><code>(mnd_[0-9a-f]{8}_[A-Za-z0-9_-]{43})<', html).group(1)
    token = db.session.scalar(select(ApiToken))
    assert token.name == "CRM produzione" and token.scopes == ["contracts:write", "partners:read"]
    assert token.prefix == secret[:12] and token.partner_id is None
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str([getattr(token, c.key) for c in ApiToken.__table__.columns])
    listing = client.get("/admin/api-tokens/").get_data(as_text=True)
    assert token.prefix in listing and secret not in listing and "CRM produzione" in listing
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "api_token.created"))
    assert entry.actor == "admin" and entry.after["prefix"] == token.prefix and secret not in str(entry.after)
    assert Api(client, secret).get("/partners").status_code == 200


def test_revoked_token_gets_401(client, auth, network):
    secret = api_tokens.create(db.session, None, "ERP", ["partners:read"]).secret
    db.session.commit()
    api = Api(client, secret)
    assert api.get("/partners").status_code == 200
    token = db.session.scalar(select(ApiToken))
    assert token.last_used_at is not None
    auth.login("admin")
    response = client.post(f"/admin/api-tokens/{token.id}/revoke", data={"csrf_token": auth.csrf("/admin/api-tokens/")})
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/api-tokens/")
    refused = api.get("/partners")
    assert refused.status_code == 401
    assert refused.get_json() == {"errors": [{"index": None, "field": None, "code": "unauthorized",
                                              "message": "The API token is unknown or revoked."}]}
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    db.session.expire_all()
    token = db.session.get(ApiToken, token.id)
    assert token.revoked_at is not None and token.revoked_by == network.users["admin"]
    assert db.session.scalar(select(AuditEntry.actor).where(AuditEntry.action == "api_token.revoked")) == "admin"


def test_missing_malformed_or_unknown_token_gets_401(client, network):
    assert client.get("/api/v1/partners").status_code == 401
    assert client.get("/api/v1/partners").headers["WWW-Authenticate"].startswith("Bearer")
    for header in ("Bearer", "Basic YWRtaW46c2VjcmV0", "Bearer nonsense", "Bearer mnd_00000000_" + "x" * 43):
        response = client.get("/api/v1/partners", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.get_json()["errors"][0]["code"] == "unauthorized"


def test_a_tampered_secret_with_a_real_prefix_is_refused(client, network):
    secret = api_tokens.create(db.session, None, "ERP", ["partners:read"]).secret
    db.session.commit()
    tampered = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert Api(client, tampered).get("/partners").status_code == 401


def test_a_token_without_the_scope_gets_403(client, api_as):
    reader = api_as(["partners:read"])
    response = reader.post("/contracts", {"contract_id": "X"})
    assert response.status_code == 403
    assert response.get_json()["errors"][0] == {"index": None, "field": None, "code": "insufficient_scope",
                                                "message": "This token lacks the scope contracts:write."}
    assert 'scope="contracts:write"' in response.headers["WWW-Authenticate"]
    for path in ("/statements", "/accruals"):
        assert reader.get(path).status_code == 403
    assert reader.get("/partners").status_code == 200


def test_a_signed_in_session_does_not_open_the_api(client, auth, network):
    auth.login("admin")
    assert client.get("/api/v1/partners").status_code == 401


def test_the_api_needs_no_csrf_token_but_the_admin_pages_do(client, auth, api):
    assert api.post("/contracts", []).status_code == 422  # reached validation: no CSRF refusal
    auth.login("admin")
    refused = client.post("/admin/api-tokens/", data={"name": "x", "scopes": ["partners:read"]})
    assert refused.status_code == 400
    assert db.session.scalar(select(ApiToken).where(ApiToken.name == "x")) is None


def test_partner_tokens_can_only_read(client, auth, network):
    auth.login("admin")
    response = _create(client, auth, partner_code="a1")
    assert response.status_code == 422
    assert "A token limited to a partner can only read." in response.get_data(as_text=True) or \
        "può solo leggere" in response.get_data(as_text=True)
    created = _create(client, auth, scopes=["partners:read", "accruals:read"], partner_code="a1")
    assert created.status_code == 200
    token = db.session.scalar(select(ApiToken))
    assert token.partner_id == network.partners["A1"]


def test_the_form_requires_a_scope_and_a_known_partner(client, auth, network):
    auth.login("admin")
    assert _create(client, auth, scopes=[]).status_code == 422
    assert _create(client, auth, scopes=["partners:read"], partner_code="NOPE").status_code == 422
    assert db.session.scalar(select(ApiToken)) is None


def test_the_service_refuses_what_the_form_refuses(app, network):
    import pytest

    with pytest.raises(api_tokens.TokenError):
        api_tokens.create(db.session, None, "x", [])
    with pytest.raises(api_tokens.TokenError):
        api_tokens.create(db.session, None, "x", ["everything:write"])
