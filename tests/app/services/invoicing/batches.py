"""Approved invoice batches for the invoicing tests, built the way finance leaves them: February 2026 published
for the test network, one invoice per statement with the statement's amounts and no number, batch and period
approved. B1 is a flat-rate partner with an accepted dispute of 100.00 (so it bears stamp duty), and A1A's
statement carries an advance."""

import subprocess
from datetime import date
from decimal import Decimal

from sqlalchemy import delete
from sqlalchemy import select

from app.extensions import db
from app.models import Adjustment
from app.models import CommissionPeriod
from app.models import EnasarcoLedgerEntry
from app.models import FiscalProfile
from app.models import Invoice
from app.models import InvoiceBatch
from app.models import PeriodStatus
from app.models import Statement
from app.models.invoice import BatchStatus
from app.models.partner import VatRegime
from app.services.calculation import runner
from app.services.statements import publishing
from tests.factories import Network
from tests.factories import publish_test_plans

FEBRUARY = date(2026, 2, 1)
AMOUNTS = ("taxable", "vat", "withholding", "enasarco_agent", "stamp_duty", "document_total", "net_payable")


def publish_february(network: Network) -> list[Statement]:
    """Calculate, validate and publish February 2026 with B1 flat-rate (+100.00 carried) and A1A's advance."""
    session = db.session
    publish_test_plans(session)
    b1 = network.partners["B1"]
    session.scalar(select(FiscalProfile).where(FiscalProfile.partner_id == b1)).vat_regime = VatRegime.FLAT_RATE
    runner.run_period(session, None, FEBRUARY)
    period = session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == FEBRUARY))
    period.status = PeriodStatus.VALIDATED
    statements = publishing.publish(session, None, FEBRUARY)
    for statement in statements:
        statement.has_advance = statement.partner_id == network.partners["A1A"]
        if statement.partner_id == b1:
            _resolve_dispute(statement, Decimal("100.00"))
    period.status = PeriodStatus.APPROVED
    session.commit()
    return statements


def _resolve_dispute(statement: Statement, amount: Decimal) -> None:
    """Book an accepted dispute into the statement and compute its tax items again, as the back-office does."""
    session = db.session
    session.add(Adjustment(statement_id=statement.id, partner_id=statement.partner_id, amount=amount,
                           reason="Contratto C-B0 riconosciuto", component_id="activation"))
    session.execute(delete(EnasarcoLedgerEntry).where(EnasarcoLedgerEntry.statement_id == statement.id))
    statement.adjustments = amount
    last_day = date(2026, 2, 28)
    publishing.apply_taxes(session, statement, [(last_day, statement.payable), (last_day, amount)], last_day)


def approved_batch(statements: list[Statement]) -> InvoiceBatch:
    """Return an approved batch with one unnumbered invoice per statement (amounts copied); commit."""
    session = db.session
    batch = InvoiceBatch(period_id=statements[0].period_id, status=BatchStatus.APPROVED,
                         invoice_count=len(statements))
    session.add(batch)
    session.flush()
    for statement in statements:
        session.add(Invoice(batch_id=batch.id, statement_id=statement.id, partner_id=statement.partner_id,
                            **{name: getattr(statement, name) for name in AMOUNTS}))
    session.commit()
    return batch


def pdf_text(pdf: bytes) -> str:
    """Return the text of a PDF as pdftotext lays it out."""
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
