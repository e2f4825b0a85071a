"""An import is one transaction: a failure injected while writing leaves nothing written, on both backends."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry
from app.models import BillingLine
from app.models import Contract
from app.models import Customer
from app.models import ImportBatch
from app.models import Partner
from app.services.imports import layouts
from app.services.imports import writers
from app.services.imports.sources import partners as partners_source
from tests.app.services.imports.conftest import count

BILLING = layouts.BILLING_LINES.names


class Injected(RuntimeError):
    """The failure a test injects."""


def _fail_after(monkeypatch, module, name: str, calls: int = 1) -> None:
    """Make ``module.name`` fail on its ``calls``-th call, after doing its work."""
    original = getattr(module, name)
    seen = []

    def failing(*args, **kwargs):
        result = original(*args, **kwargs)
        seen.append(1)
        if len(seen) == calls:
            raise Injected("injected failure while writing")
        return result

    monkeypatch.setattr(module, name, failing)


def _row(line_id: str, amount: str) -> list[str]:
    return [line_id, "C-A1", "2026-03-01", "2026-03-31", "228.400", amount, "12.00", "yes", "2026-04-20"]


def _failed_batch() -> ImportBatch:
    return db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()))


def test_a_failure_while_writing_billing_lines_leaves_nothing(files, monkeypatch):
    first = files.load("billing_lines", files.csv("billing.csv", BILLING, [_row("BL-1", "59.80")]))
    lines = count(BillingLine)
    _fail_after(monkeypatch, writers, "insert")
    with pytest.raises(Injected):
        files.load("billing_lines", files.csv("billing-2.csv", BILLING, [_row("BL-1", "60.00"), _row("BL-2", "10.00")]))
    db.session.expire_all()
    assert count(BillingLine) == lines
    current = db.session.scalar(select(BillingLine).where(BillingLine.external_id == "BL-1", BillingLine.is_current))
    assert (current.version, current.amount_billed, current.import_batch_id) == (1, Decimal("59.80"), first.id)
    failed = _failed_batch()
    assert (failed.status, failed.rows_new, failed.message) == ("failed", 0, "Injected: injected failure while writing")
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.entity_id == str(failed.id))
                             .order_by(AuditEntry.id.desc())) == "import.failed"


def test_a_failure_after_the_customers_leaves_no_customer(files, monkeypatch):
    row = {"contract_id": "C-F1", "customer_id": "CU-F1", "customer_name": "Fabio Grigi", "segment": "residential",
           "territory": "Lombardia", "partner_code": "A1", "product_code": "ELE", "offer_code": "ELE-FIX",
           "supply_point": "IT001E77777777", "status": "signed", "signed_on": "2026-03-02"}
    customers, contracts = count(Customer), count(Contract)
    _fail_after(monkeypatch, writers, "insert", calls=2)  # the customers go in, then the contracts fail
    with pytest.raises(Injected):
        files.load("contracts", files.dicts("contracts.csv", layouts.CONTRACTS, [row]))
    db.session.expire_all()
    assert (count(Customer), count(Contract)) == (customers, contracts)
    assert _failed_batch().status == "failed"


def test_a_failure_in_the_hierarchy_leaves_no_partner(files, monkeypatch):
    partners = count(Partner)
    _fail_after(monkeypatch, partners_source.network, "move_partner")
    with pytest.raises(Injected):
        files.load("partners", files.dicts("partners.csv", layouts.PARTNERS, [
            {"partner_code": "N1", "name": "Nuovo", "kind": "agent", "territory": "Lazio", "active_from": "2026-01-01",
             "parent_code": "AGB", "parent_valid_from": "2026-01-01"}]))
    db.session.expire_all()
    assert count(Partner) == partners
    assert _failed_batch().status == "failed"
