"""Fixtures of the tax reports: statements published with their tax items (and the ENASARCO ledger) for chosen
amounts, without running a calculation, and invoices issued for them at chosen instants."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import CalculationRun
from app.models import CommissionPeriod
from app.models import FiscalProfile
from app.models import Invoice
from app.models import InvoiceBatch
from app.models import Partner
from app.models import PartnerKind
from app.models import PeriodStatus
from app.models import RunStatus
from app.models import Statement
from app.models.partner import EnasarcoMandate
from app.models.partner import FiscalCategory
from app.models.partner import LegalForm
from app.models.partner import VatRegime
from app.services.statements import publishing
from calc.inputs import next_month


class Books:
    """Publishes statements for amounts of the test's choice, as the publishing service does."""

    def __init__(self, network):
        self.network = network
        self.partners = dict(network.partners)

    def agent(self, code: str, active_from: date, mandate: EnasarcoMandate = EnasarcoMandate.MULTI_FIRM) -> int:
        """Add an individual agent whose relationship starts on ``active_from``."""
        partner = Partner(code=code, name=f"Agente {code}", kind=PartnerKind.AGENT, territory="Veneto",
                          active_from=active_from)
        db.session.add(partner)
        db.session.flush()
        db.session.add(FiscalProfile(partner_id=partner.id, valid_from=active_from,
                                     fiscal_category=FiscalCategory.AGENT, legal_form=LegalForm.INDIVIDUAL,
                                     vat_regime=VatRegime.ORDINARY, enasarco=mandate))
        db.session.commit()
        self.partners[code] = partner.id
        return partner.id

    def _period(self, month: date) -> CommissionPeriod:
        period = db.session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == month))
        if period is None:
            period = CommissionPeriod(month=month, status=PeriodStatus.VALIDATED)
            db.session.add(period)
            db.session.flush()
            run = CalculationRun(period_id=period.id, version=1, status=RunStatus.SUCCEEDED)
            db.session.add(run)
            db.session.flush()
            period.current_run_id = run.id
        return period

    def statement(self, code: str, month: date, amount: str) -> Statement:
        """Publish the statement of ``code`` for ``month``: ``amount`` accrued in that month."""
        period = self._period(month)
        last_day = next_month(month) - timedelta(days=1)
        statement = Statement(period_id=period.id, partner_id=self.partners[code], run_id=period.current_run_id,
                              review_deadline=last_day + timedelta(days=10), gross=Decimal(amount),
                              payable=Decimal(amount))
        db.session.add(statement)
        db.session.flush()
        publishing.apply_taxes(db.session, statement, [(last_day, Decimal(amount))], last_day)
        db.session.commit()
        return statement

    def invoice(self, statement: Statement, issued_at: datetime) -> Invoice:
        """Issue the invoice of ``statement`` at ``issued_at``."""
        batch = db.session.scalar(select(InvoiceBatch).where(InvoiceBatch.period_id == statement.period_id))
        if batch is None:
            batch = InvoiceBatch(period_id=statement.period_id)
            db.session.add(batch)
            db.session.flush()
        invoice = Invoice(batch_id=batch.id, statement_id=statement.id, partner_id=statement.partner_id,
                          year=issued_at.year, issued_at=issued_at, document_date=issued_at.date(),
                          taxable=statement.taxable, vat=statement.vat, withholding=statement.withholding,
                          enasarco_agent=statement.enasarco_agent, stamp_duty=statement.stamp_duty,
                          document_total=statement.document_total, net_payable=statement.net_payable)
        db.session.add(invoice)
        db.session.commit()
        return invoice


@pytest.fixture
def books(app, network) -> Books:
    return Books(network)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)
