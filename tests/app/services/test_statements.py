"""Publishing statements: one per partner with earnings, with tax items to the cent and the ENASARCO ledger."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import CommissionPeriod
from app.models import EnasarcoLedgerEntry
from app.models import FiscalProfile
from app.models import PeriodStatus
from app.models import Statement
from app.services import settings
from app.services.calculation import runner
from app.services.statements import publishing
from app.services.statements.taxes import MissingFiscalProfile
from tests.app.services.test_calculation import FEBRUARY
from tests.app.services.test_calculation import planned  # noqa: F401 - fixture


@pytest.fixture
def validated(planned):  # noqa: F811
    runner.run_period(db.session, None, FEBRUARY)
    period = db.session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == FEBRUARY))
    period.status = PeriodStatus.VALIDATED
    db.session.commit()
    return planned


def _statement(net, code) -> Statement:
    return db.session.scalar(select(Statement).where(Statement.partner_id == net.partners[code]))


def test_individual_agent_statement_items(validated):
    publishing.publish(db.session, None, FEBRUARY)
    db.session.commit()
    a1 = _statement(validated, "A1")
    assert (a1.taxable, a1.vat, a1.withholding) == (Decimal("50.93"), Decimal("11.20"), Decimal("5.86"))
    assert (a1.enasarco_agent, a1.enasarco_principal) == (Decimal("4.33"), Decimal("4.33"))
    assert a1.document_total == Decimal("62.13") and a1.net_payable == Decimal("51.94")
    assert a1.tax_detail["fatturapa"]["withholdings"][0]["kind"] == "RT01"
    entry = db.session.scalar(select(EnasarcoLedgerEntry).where(EnasarcoLedgerEntry.partner_id == a1.partner_id))
    assert (entry.year, entry.commissions, entry.base) == (2026, Decimal("50.93"), Decimal("50.93"))


def test_company_agency_uses_the_company_scale(validated):
    publishing.publish(db.session, None, FEBRUARY)
    aga = _statement(validated, "AGA")
    assert aga.taxable == Decimal("5.09")
    assert (aga.enasarco_agent, aga.enasarco_principal) == (Decimal("0.05"), Decimal("0.15"))
    assert aga.tax_detail["fatturapa"]["withholdings"][0]["kind"] == "RT02"
    assert aga.net_payable == Decimal("5.57")


def test_ceiling_reached_earlier_in_the_year_limits_the_base(validated):
    partner_id = validated.partners["A1"]
    db.session.add(EnasarcoLedgerEntry(partner_id=partner_id, year=2026, statement_id=None, note="opening balance", commissions=Decimal("30450.00"),
                                       base=Decimal("30450.00"), agent_share=Decimal("2588.25"),
                                       principal_share=Decimal("2588.25")))
    publishing.publish(db.session, None, FEBRUARY)
    a1 = _statement(validated, "A1")
    assert a1.enasarco_base == Decimal("28.00")  # 30,478 ceiling - 30,450 already used
    assert a1.enasarco_agent == Decimal("2.38")


def test_split_payment_setting_of_the_period_applies(validated):
    settings.set_value(db.session, None, "principal_split_payment", date(2026, 1, 1), True)
    publishing.publish(db.session, None, FEBRUARY)
    a1 = _statement(validated, "A1")
    assert a1.vat == Decimal("11.20") and a1.net_payable == Decimal("40.74")


def test_publishing_needs_a_validated_period_and_happens_once(planned):  # noqa: F811
    runner.run_period(db.session, None, FEBRUARY)
    with pytest.raises(publishing.PublishingError, match="open"):
        publishing.publish(db.session, None, FEBRUARY)
    period = db.session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == FEBRUARY))
    period.status = PeriodStatus.VALIDATED
    publishing.publish(db.session, None, FEBRUARY)
    with pytest.raises(publishing.PublishingError, match="already published"):
        publishing.publish(db.session, None, FEBRUARY)


def test_missing_fiscal_profile_stops_publishing(validated):
    db.session.query(FiscalProfile).filter(FiscalProfile.partner_id == validated.partners["B1"]).delete()
    with pytest.raises(MissingFiscalProfile, match=str(validated.partners["B1"])):
        publishing.publish(db.session, None, FEBRUARY)
