"""Fixtures of the plan pages: plan documents as a sales manager writes them, and requests with CSRF."""

import pytest

from app.extensions import db
from app.models import Plan
from app.models import PlanVersion

GOOD = """\
plan_id: agents-2026
version: 1
name: Agenti 2026
valid_from: 2026-01-01
components:
  - kind: one_off
    id: activation
    label: Gettone attivazione
    filter: {product: [electricity]}
    rate_table:
      - when: {segment: business}
        amount: "90.00"
      - amount: "50.00"
  - kind: recurring
    id: consumption
    basis: volume
    months: 12
    rate_table:
      - rate: "0.004"
    hold: {until: bill_paid}
  - kind: one_off
    id: installation
    filter: {product: [pv]}
    rate_table:
      - when: {product: pv}
        amount: "150.00"
      - amount: "60.00"
    hold: {until: active}
"""
# the amount of the second row of the third component's rate table is not a number
BAD_AMOUNT = GOOD.replace('amount: "60.00"', 'amount: "sixty"')
# a second colon in a plain value: a syntax error on line 3, column 13
BAD_SYNTAX = GOOD.replace("name: Agenti 2026", "name: Agenti: 2026: x\n  - oops")


@pytest.fixture
def editor(client, auth, network):
    """A signed-in sales manager with helpers to post to the plan pages."""
    auth.login("sales")
    return Editor(client, auth)


class Editor:
    def __init__(self, client, auth):
        self.client = client
        self.token = auth.csrf("/plans/")

    def post(self, url: str, data: dict | None = None, htmx: bool = False, **kwargs):
        headers = {"HX-Request": "true"} if htmx else {}
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, headers=headers, **kwargs)


def stored(code: str, number: int) -> PlanVersion | None:
    db.session.expire_all()
    return db.session.scalar(db.select(PlanVersion).join(Plan).where(Plan.code == code, PlanVersion.version == number))
