"""An issued invoice batch built from published statements, for the export and trail tests (and the permission
matrix): the test plans calculated for February 2026, validated by the lead, published, a batch built by the
back-office, approved by finance, every invoice numbered."""

from datetime import UTC
from datetime import date
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AccountingMapping
from app.models import CommissionPeriod
from app.models import Invoice
from app.models import InvoiceBatch
from app.models import Partner
from app.models import PeriodStatus
from app.models import Statement
from app.models import User
from app.models.invoice import BatchStatus
from app.services import accounting
from app.services import audit
from app.services import settings
from app.services.calculation import runner
from app.services.statements import publishing
from tests.factories import publish_test_plans

FEBRUARY = date(2026, 2, 1)
DOCUMENT_DATE = date(2026, 3, 10)


COMPANY_CODE = "IT01"


def seed_mappings(session: Session, *, company_code: str | None = COMPANY_CODE) -> None:
    """Add the demo mappings, a vendor number per partner (400000 + id) and the SAP company code (in force since
    2000, unless ``company_code`` is None), as the demo seed does."""
    session.add_all(AccountingMapping(**row) for row in accounting.default_accounting_mappings())
    session.add_all(AccountingMapping(kind="vendor", key=p.code, value=f"{400000 + p.id}", description=p.name)
                    for p in session.scalars(select(Partner)))
    if company_code is not None:
        settings.set_value(session, None, "company_code", date(2000, 1, 1), company_code)
    session.flush()


def _user(session: Session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def publish_february(session: Session) -> CommissionPeriod:
    """Calculate, validate (as the lead) and publish February 2026 with the test plans."""
    publish_test_plans(session)
    runner.run_period(session, None, FEBRUARY)
    period = session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == FEBRUARY))
    lead = _user(session, "lead")
    period.status, period.validated_by, period.validated_at = PeriodStatus.VALIDATED, lead.id, datetime.now(UTC)
    audit.record(session, lead, "period.validated", "commission_period", period.id, after={"period": "2026-02"})
    publishing.publish(session, lead, FEBRUARY)
    session.flush()
    return period


def issued_batch(session: Session, *, mappings: bool = True) -> InvoiceBatch:
    """Return an issued batch of February 2026: one numbered invoice per statement (by partner id); commit."""
    period = publish_february(session)
    if mappings:
        seed_mappings(session)
    backoffice, finance = _user(session, "backoffice"), _user(session, "finance")
    batch = InvoiceBatch(period_id=period.id, status=BatchStatus.ISSUED, built_by=backoffice.id,
                         decided_by=finance.id, decided_at=datetime.now(UTC))
    session.add(batch)
    session.flush()
    audit.record(session, backoffice, "batch.built", "invoice_batch", batch.id)
    audit.record(session, finance, "batch.approved", "invoice_batch", batch.id)
    statements = session.scalars(select(Statement).where(Statement.period_id == period.id)
                                 .order_by(Statement.partner_id))
    for number, statement in enumerate(statements, start=1):
        session.add(Invoice(
            batch_id=batch.id, statement_id=statement.id, partner_id=statement.partner_id, year=2026, number=number,
            document_date=DOCUMENT_DATE, issued_at=datetime.now(UTC), taxable=statement.taxable, vat=statement.vat,
            withholding=statement.withholding, enasarco_agent=statement.enasarco_agent,
            stamp_duty=statement.stamp_duty, document_total=statement.document_total,
            net_payable=statement.net_payable))
    session.flush()
    batch.invoice_count = len(batch.invoices)
    session.commit()
    return batch
