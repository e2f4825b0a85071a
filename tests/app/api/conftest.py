"""Fixtures of the REST API tests: tokens made through the service, and a client that sends them."""

import pytest

from app.extensions import db
from app.models import Partner
from app.models import User
from app.services import api_tokens

ALL_SCOPES = sorted(api_tokens.SCOPES)


class Api:
    """Calls the API over HTTP with a bearer token, as a client system would."""

    def __init__(self, client, secret: str):
        self.client = client
        self.secret = secret

    def headers(self, extra: dict | None = None) -> dict:
        return {"Authorization": f"Bearer {self.secret}", **(extra or {})}

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1{path}", query_string=params, headers=self.headers())

    def post(self, path: str, payload=None, *, data: bytes | None = None, headers: dict | None = None):
        if data is not None:
            return self.client.post(f"/api/v1{path}", data=data, headers=self.headers(headers),
                                    content_type="application/json")
        return self.client.post(f"/api/v1{path}", json=payload, headers=self.headers(headers))


def issue(scopes: list[str], partner_code: str | None = None, name: str = "test client") -> str:
    """Create a token (by the test admin) and return its secret."""
    admin = db.session.scalar(db.select(User).where(User.username == "admin"))
    partner = db.session.scalar(db.select(Partner).where(Partner.code == partner_code)) if partner_code else None
    issued = api_tokens.create(db.session, admin, name, scopes, partner)
    db.session.commit()
    return issued.secret


@pytest.fixture
def api(client, network) -> Api:
    """An API client whose token holds every scope."""
    return Api(client, issue(ALL_SCOPES))


@pytest.fixture
def api_as(client, network):
    """Return an API client for a token with the given scopes (and partner)."""

    def make(scopes: list[str], partner_code: str | None = None) -> Api:
        return Api(client, issue(scopes, partner_code))

    return make
