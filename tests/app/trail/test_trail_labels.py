"""The auditor trail names the period's, runs' and lines' statuses, the lines' kinds, bases and sources in
Italian, not with their codes."""

import re

from sqlalchemy import select

from app.extensions import db
from app.models import BillingLine
from app.models import Contract
from app.models import Invoice
from tests.app.trail.batches import issued_batch


def _invoice_of_a1(network) -> int:
    issued_batch(db.session)
    return db.session.scalar(select(Invoice.id).where(Invoice.partner_id == network.partners["A1"]))


def _section(client, invoice_id: int, name: str) -> str:
    response = client.get(f"/trail/invoices/{invoice_id}/{name}", headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_period_and_its_runs_show_italian_statuses(client, auth, network):
    invoice_id = _invoice_of_a1(network)
    auth.login("auditor")
    period = _section(client, invoice_id, "period")
    assert "<dt>Periodo</dt><dd>2026-02 · validato</dd>" in period
    [run_row] = re.findall(r'<tr aria-current="true">(.*?)</tr>', period, re.S)
    assert "<td>riuscita</td>" in run_row and "succeeded" not in run_row


def test_the_lines_show_italian_kinds_statuses_and_sources(client, auth, network):
    invoice_id = _invoice_of_a1(network)
    contract = db.session.get(Contract, network.contracts["C-A1"])
    bill = db.session.scalar(select(BillingLine).where(BillingLine.external_id == "BL-C-A1-2026-02"))
    contract_id, bill_id = contract.id, bill.id
    auth.login("auditor")
    lines = _section(client, invoice_id, "lines")
    rows = dict(re.findall(r'<td>[^<]*<small class="muted">(\w+)</small></td>(.*?)</tr>', lines, re.S))
    assert set(rows) == {"activation", "consumption"}
    activation, consumption = rows["activation"], rows["consumption"]
    assert "<td>Una tantum</td>" in activation and "<td>Ricorrente</td>" in consumption
    assert "<td>attivazione = 1</td>" in activation
    assert activation.count("<td>liquidabile</td>") == consumption.count("<td>liquidabile</td>") == 1
    assert f'<a href="/trail/sources/contract/{contract_id}">Contratto C-A1 v1</a>' in activation
    assert f'<a href="/trail/sources/billing_line/{bill_id}">Riga di fatturazione BL-C-A1-2026-02 v1</a>' in consumption
    for code in ("one_off", "recurring", "payable", "billing_line"):
        assert f">{code}" not in lines
