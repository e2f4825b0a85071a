"""Company settings changed from a date through the page: audited, and applied only to the periods from that
date (statements already published keep the values they were computed with)."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry
from app.models import BillingLine
from app.models import CommissionPeriod
from app.models import PeriodStatus
from app.models import Statement
from app.services import settings
from app.services.calculation import runner
from app.services.statements import publishing

FEBRUARY = date(2026, 2, 1)
MARCH = date(2026, 3, 1)


def _publish(month: date) -> None:
    runner.run_period(db.session, None, month)
    period = db.session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == month))
    period.status = PeriodStatus.VALIDATED
    publishing.publish(db.session, None, month)
    db.session.commit()


def _statement(partner_id: int, month: date) -> Statement:
    return db.session.scalar(select(Statement).join(CommissionPeriod).where(
        Statement.partner_id == partner_id, CommissionPeriod.month == month))


def test_split_payment_from_march_changes_only_the_statements_after(finance, planned):  # noqa: F811
    _publish(FEBRUARY)
    response = finance.set("principal_split_payment", "2026-03-01", "yes")
    assert response.status_code == 303 and response.headers["Location"].endswith("/settings/principal_split_payment")
    db.session.add(BillingLine(external_id="BL-C-A1-2026-03", contract_external_id="C-A1",
                               period_start=date(2026, 3, 1), period_end=date(2026, 3, 31),
                               volume=Decimal("500.000"), amount_billed=Decimal("120.00"),
                               fixed_fee_billed=Decimal("12.00"), paid=True, paid_on=date(2026, 4, 20)))
    db.session.commit()
    _publish(MARCH)

    a1 = planned.partners["A1"]
    february, march = _statement(a1, FEBRUARY), _statement(a1, MARCH)
    # February as published before the change: 50.93 + 11.20 VAT - 5.86 withholding - 4.33 ENASARCO
    assert (february.taxable, february.net_payable) == (Decimal("50.93"), Decimal("51.94"))
    assert february.tax_detail["split_payment"] is False
    # March: 500 kWh x 0.004 = 2.00; VAT 0.44 kept by the principal; 2.00 x 50% x 23% = 0.23; ENASARCO 0.17
    assert (march.taxable, march.vat, march.withholding, march.enasarco_agent) == (
        Decimal("2.00"), Decimal("0.44"), Decimal("0.23"), Decimal("0.17"))
    assert march.tax_detail["split_payment"] is True
    assert (march.document_total, march.net_payable) == (Decimal("2.44"), Decimal("1.60"))  # 2.04 without

    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "setting.changed"))
    assert entry.actor == "finance" and entry.entity_id == "principal_split_payment"
    assert entry.before == {"value": False} and entry.after == {"value": True, "valid_from": "2026-03-01"}


def test_a_date_within_published_periods_is_refused(finance, planned):  # noqa: F811
    _publish(FEBRUARY)
    response = finance.set("dispute_window_days", "2026-02-15", "15", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert body.lstrip().startswith('<article id="setting-dispute_window_days"') and "2026-02-28" in body
    assert settings.history(db.session, "dispute_window_days") == []
    assert finance.set("dispute_window_days", "2026-03-01", "15").status_code == 303
    assert settings.value_on(db.session, "dispute_window_days", date(2026, 3, 31)) == 15
    assert settings.value_on(db.session, "dispute_window_days", date(2026, 2, 28)) == 10


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("stamp_rebilled", "no", False), ("enasarco_payment_reason", "R", "R"), ("resolution_sla_days", "7", 7),
    ("payment_terms_days", "0", 0)])
def test_each_setting_is_stored_with_its_type(finance, key, value, expected):
    assert finance.set(key, "2027-01-01", value).status_code == 303
    assert settings.value_on(db.session, key, date(2027, 1, 1)) == expected
    assert settings.value_on(db.session, key, date(2026, 12, 31)) == settings.DEFAULTS[key]


@pytest.mark.parametrize(("key", "value"), [("dispute_window_days", "0"), ("payment_terms_days", "abc"),
                                            ("enasarco_payment_reason", "XX"), ("stamp_rebilled", "maybe")])
def test_bad_values_are_refused_with_the_form(finance, key, value):
    response = finance.set(key, "2027-01-01", value)
    assert response.status_code == 422 and 'aria-invalid="true"' in response.get_data(as_text=True)
    assert settings.history(db.session, key) == []


@pytest.mark.parametrize("value", ["IT1", "it01", "IT-1", "", "IT012"])
def test_the_service_refuses_a_company_code_of_the_wrong_shape(finance, value):
    # an import or a script that bypasses the page gets the same rule, and nothing is stored
    with pytest.raises(settings.SettingError, match=r"company_code: .* is not 4 letters or digits, upper case"):
        settings.set_value(db.session, None, "company_code", date(2027, 1, 1), value)
    assert settings.history(db.session, "company_code") == []


def test_the_page_lists_every_setting_with_its_history(finance):
    finance.set("payment_terms_days", "2027-01-01", "60")
    page = finance.client.get("/settings/").get_data(as_text=True)
    principal = finance.client.get("/settings/principal").get_data(as_text=True)
    for key in settings.DEFAULTS:  # the principal's settings on their own tab
        assert f'id="setting-{key}"' in (principal if key.startswith("principal_") else page)
        assert f'id="setting-{key}"' not in (page if key.startswith("principal_") else principal)
    assert "2027-01-01" in page and "Finance" in page  # who changed it
    fragment = finance.client.get("/settings/payment_terms_days", headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).lstrip().startswith('<article id="setting-payment_terms_days"')
    assert finance.client.get("/settings/no_such_setting").status_code == 404
