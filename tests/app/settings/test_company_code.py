"""The SAP company code on the accounting settings page: listed among what the export still needs, set from a date
through the page (4 letters or digits, upper case), audited, and never backdated over an exported batch."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry
from app.models import CompanySetting
from app.services import accounting_export
from app.services import settings
from tests.app.trail.batches import issued_batch
from tests.app.trail.batches import seed_mappings
from workflows import clock


def _code_history() -> list[tuple[str, str]]:
    return [(row.valid_from.isoformat(), row.value) for row in settings.history(db.session, "company_code")]


def test_finance_sets_the_company_code_on_the_accounting_page(finance):
    seed_mappings(db.session, company_code=None)  # every mapping there: the company code is all the export lacks
    db.session.commit()
    today, tomorrow = date.today().isoformat(), (date.today() + timedelta(days=1)).isoformat()
    page = finance.client.get("/settings/accounting").get_data(as_text=True)
    assert 'data-testid="mapping-gaps"' in page and 'data-testid="gap-company_code"' in page
    assert 'href="/settings/company_code"' in page
    # the component with its form is on the page, proposing today
    assert 'id="setting-company_code"' in page and 'action="/settings/company_code"' in page
    assert 'name="company_code-value"' in page and f'value="{today}"' in page

    # a code from tomorrow on leaves today without one
    assert finance.set("company_code", tomorrow, "IT09").status_code == 303
    assert 'data-testid="gap-company_code"' in finance.client.get("/settings/accounting").get_data(as_text=True)

    response = finance.set("company_code", today, " it01 ")
    assert response.status_code == 303 and response.headers["Location"].endswith("/settings/company_code")
    assert _code_history() == [(today, "IT01"), (tomorrow, "IT09")]
    assert settings.value_on(db.session, "company_code", date.today()) == "IT01"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "setting.changed")
                               .order_by(AuditEntry.id.desc())).first()
    assert (entry.actor, entry.entity_id, entry.after) == ("finance", "company_code",
                                                           {"value": "IT01", "valid_from": today})
    page = finance.client.get("/settings/accounting").get_data(as_text=True)
    assert 'data-testid="mapping-gaps"' not in page and 'data-testid="gap-company_code"' not in page
    assert '<span data-testid="current-value">IT01</span>' in page


@pytest.mark.parametrize("value", ["IT0", "IT001", "IT-1", "IT 1", "ÀB12", ""])
def test_a_company_code_has_four_letters_or_digits(finance, value):
    response = finance.set("company_code", "2027-01-01", value, headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and body.lstrip().startswith('<article id="setting-company_code"')
    assert 'id="company_code-value-error"' in body and 'aria-invalid="true"' in body
    assert settings.history(db.session, "company_code") == []
    assert finance.set("company_code", "2027-01-01", "1000").status_code == 303
    assert _code_history() == [("2027-01-01", "1000")]


def test_a_new_code_cannot_start_on_or_before_the_last_export(finance):
    batch = issued_batch(db.session)  # company code IT01 since 2000
    exported_on = date.today() + timedelta(days=30)
    previous = clock.use(clock.FixedClock(datetime.combine(exported_on, time(9, 0), tzinfo=UTC)))
    try:
        accounting_export.export_batch(db.session, None, batch)
    finally:
        clock.use(previous)
    db.session.commit()

    response = finance.set("company_code", exported_on.isoformat(), "IT02")
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="company_code-valid_from-error"' in body
    assert exported_on.isoformat() in body
    assert db.session.query(CompanySetting).filter_by(key="company_code").count() == 1
    # the form proposes the day after that export, and takes it
    next_day = (exported_on + timedelta(days=1)).isoformat()
    page = finance.client.get("/settings/accounting").get_data(as_text=True)
    assert f'value="{next_day}"' in page
    assert finance.set("company_code", next_day, "IT02").status_code == 303
    assert _code_history() == [("2000-01-01", "IT01"), (next_day, "IT02")]


def test_the_company_code_is_listed_with_the_company_settings(finance):
    page = finance.client.get("/settings/").get_data(as_text=True)
    assert 'id="setting-company_code"' in page
    fragment = finance.client.get("/settings/company_code", headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).lstrip().startswith('<article id="setting-company_code"')
