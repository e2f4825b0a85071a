"""Fixtures of the run pages: two published plans assigned to the test network, runs inline."""


import pytest

from app.extensions import db
from tests.factories import publish_test_plans


@pytest.fixture(autouse=True)
def inline_runs(app):
    """Runs started from the pages happen inside the request, so a test sees them finished."""
    app.config["CALCULATION_INLINE"] = True


@pytest.fixture
def planned(app, network):
    publish_test_plans(db.session)
    return network


class Backoffice:
    def __init__(self, client, auth, username="backoffice"):
        auth.login(username)
        self.client = client
        self.token = auth.csrf("/runs/")

    def calculate(self, month: str, **kwargs):
        return self.client.post("/runs/calculate", data={"csrf_token": self.token, "month": month}, **kwargs)


@pytest.fixture
def backoffice(client, auth, planned) -> Backoffice:
    return Backoffice(client, auth)
