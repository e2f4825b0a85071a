"""A clawback component names the contract statuses that trigger it in Italian, as the contract pages do."""

from app.extensions import db
from app.services import plans

CLAWBACK_PLAN = """
plan_id: clawback-test
version: 1
name: Storni test
valid_from: 2026-01-01
components:
  - kind: one_off
    id: activation
    rate_table:
      - amount: "50.00"
  - kind: clawback
    id: clawback
    of_components: [activation]
    within_months: {months}
{statuses}"""


def _when(page: str) -> str:
    start = page.index("<dt>Quando</dt><dd>") + len("<dt>Quando</dt><dd>")
    return page[start:page.index("</dd>", start)]


def test_the_default_statuses_read_as_contract_statuses(client, auth, network):
    plans.import_yaml(db.session, None, CLAWBACK_PLAN.format(months=6, statuses=""), publish=True)
    db.session.commit()
    auth.login("sales")
    page = client.get("/plans/clawback-test/v1").get_data(as_text=True)
    assert _when(page) == "il contratto passa allo stato Cessato / Annullato entro 6 mesi dall'attivazione"


def test_chosen_statuses_keep_their_order(client, auth, network):
    text = CLAWBACK_PLAN.format(months=1, statuses="    statuses: [cancelled]\n")
    plans.import_yaml(db.session, None, text, publish=True)
    db.session.commit()
    auth.login("finance")
    page = client.get("/plans/clawback-test/v1").get_data(as_text=True)
    assert _when(page) == "il contratto passa allo stato Annullato entro 1 mese dall'attivazione"
