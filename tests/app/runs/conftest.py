"""Fixtures of the run pages: two published plans assigned to the test network, runs inline."""

from datetime import date

import pytest

from app.extensions import db
from app.services import plans

AGENTS_PLAN = """
plan_id: agents-test
version: 1
name: Agenti test
valid_from: 2026-01-01
components:
  - kind: one_off
    id: activation
    filter: {product: [electricity]}
    rate_table:
      - amount: "50.00"
  - kind: recurring
    id: consumption
    basis: volume
    months: 12
    rate_table:
      - rate: "0.004"
"""

OVERRIDE_PLAN = """
plan_id: agencies-test
version: 1
name: Agenzie test
valid_from: 2026-01-01
components:
  - kind: override
    id: override
    of_plans: [agents-test]
    levels:
      - {level: 1, rate: "0.10"}
"""


@pytest.fixture(autouse=True)
def inline_runs(app):
    """Runs started from the pages happen inside the request, so a test sees them finished."""
    app.config["CALCULATION_INLINE"] = True


@pytest.fixture
def planned(app, network):
    for text, groups in ((AGENTS_PLAN, ("agent", "sub_agent")), (OVERRIDE_PLAN, ("agency",))):
        version, _ = plans.import_yaml(db.session, None, text, publish=True)
        for group in groups:
            plans.assign(db.session, None, version.plan, date(2026, 1, 1), group=group)
    db.session.commit()
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
