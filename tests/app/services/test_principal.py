"""The principal's registry data as dated company settings: the data of a document's date is printed, a fresh
installation has none and refuses to print, and the demo seed and the test network carry Sorgente Energia."""

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from sqlalchemy import delete
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry
from app.models import Invoice
from app.models import InvoiceSequence
from app.models.invoice import BatchStatus
from app.models.settings import CompanySetting
from app.services import principal
from app.services import settings
from app.services.batches import operations
from app.services.invoicing import document
from app.services.invoicing import issuing
from app.services.principal import PrincipalMissing
from tests.app.services.invoicing.batches import approved_batch
from tests.app.services.invoicing.batches import pdf_text
from tests.app.services.invoicing.batches import publish_february
from tests.factories import TEST_PRINCIPAL
from workflows import clock


@pytest.fixture
def march_16():
    previous = clock.use(clock.FixedClock(datetime(2026, 3, 16, 9, 30, tzinfo=UTC)))
    yield
    clock.use(previous)


def _forget_principal() -> None:
    db.session.execute(delete(CompanySetting).where(CompanySetting.key.like("principal_%")))
    db.session.commit()


def test_the_test_network_has_its_principal(network):
    found = principal.principal_on(db.session, date(2026, 3, 16))
    assert found.registry() == TEST_PRINCIPAL and found.split_payment is False
    assert found.one_line_address == "Via Alessandro Volta 18, 20121 Milano (MI)"
    assert document.principal_on(db.session, date(2026, 3, 16)) == found


def test_a_change_from_a_date_applies_to_the_documents_of_that_date_on(network):
    moved = {**TEST_PRINCIPAL, "address": "Corso Buenos Aires 5", "postcode": "20124", "sdi_code": "KRRH6B9"}
    changed = principal.set_principal(db.session, None, date(2026, 4, 1), moved)
    settings.set_value(db.session, None, "principal_split_payment", date(2026, 4, 1), True)
    db.session.commit()
    assert changed == ["principal_address", "principal_postcode", "principal_sdi_code"]
    before = principal.principal_on(db.session, date(2026, 3, 31))
    after = principal.principal_on(db.session, date(2026, 4, 1))
    assert (before.address, before.postcode, before.sdi_code, before.split_payment) == (
        "Via Alessandro Volta 18", "20121", "M5UXCR1", False)
    assert (after.address, after.postcode, after.sdi_code, after.split_payment) == (
        "Corso Buenos Aires 5", "20124", "KRRH6B9", True)
    assert after.name == before.name == "Sorgente Energia S.p.A."
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "setting.changed")
                                 .order_by(AuditEntry.id)).all()
    assert [e.entity_id for e in entries] == [*changed, "principal_split_payment"]
    assert entries[0].before == {"value": "Via Alessandro Volta 18"}
    assert entries[0].after == {"value": "Corso Buenos Aires 5", "valid_from": "2026-04-01"}


def test_setting_the_same_data_again_changes_nothing(network):
    assert principal.set_principal(db.session, None, date(2026, 4, 1), dict(TEST_PRINCIPAL)) == []
    assert settings.history(db.session, "principal_name")[-1].valid_from == date(2025, 1, 1)


def test_an_unknown_field_is_refused(network):
    with pytest.raises(settings.SettingError, match="not a registry field of the principal: colour"):
        principal.set_principal(db.session, None, date(2026, 4, 1), {"colour": "blue"})


def test_a_fresh_installation_has_no_principal(app):
    assert all(settings.DEFAULTS[principal.setting_key(f)] == "" for f in principal.REGISTRY_FIELDS)
    with pytest.raises(PrincipalMissing) as missing:
        principal.principal_on(db.session, date(2026, 3, 16))
    assert missing.value.missing == principal.REQUIRED_FIELDS
    message = str(missing.value)
    assert message.startswith("the principal's registry data in force on 2026-03-16 lacks name (principal_name), "
                              "VAT number (principal_vat_number), fiscal code (principal_fiscal_code), address "
                              "(principal_address), postcode (principal_postcode), city (principal_city), "
                              "province (principal_province)")
    assert "Settings > Principal" in message


def test_data_set_after_the_document_date_does_not_count(app):
    principal.set_principal(db.session, None, date(2026, 4, 1), dict(TEST_PRINCIPAL))
    with pytest.raises(PrincipalMissing, match="in force on 2026-03-31 lacks name"):
        principal.principal_on(db.session, date(2026, 3, 31))
    principal.set_principal(db.session, None, date(2026, 3, 1), {"name": "Sorgente Energia S.p.A."})
    with pytest.raises(PrincipalMissing) as missing:
        principal.principal_on(db.session, date(2026, 3, 31))
    assert missing.value.missing == ("vat_number", "fiscal_code", "address", "postcode", "city", "province")
    assert principal.principal_on(db.session, date(2026, 4, 1)).vat_number == "04567890159"


def test_issuing_without_a_principal_fails_naming_the_settings_and_takes_no_number(network, march_16):
    batch = approved_batch(publish_february(network))
    _forget_principal()
    with pytest.raises(PrincipalMissing, match=r"lacks name \(principal_name\), VAT number"):
        issuing.issue_invoices(db.session, None, batch)
    db.session.rollback()
    assert db.session.get(InvoiceSequence, 2026) is None and batch.status == BatchStatus.APPROVED
    # the cycle's background operation fails with the same message (the job and the instance show it)
    batch.decided_by = network.users["finance"]
    with pytest.raises(PrincipalMissing, match="in force on 2026-03-16 lacks name"):
        operations.issue(db.session, None, {"invoice_batch_id": batch.id})
    db.session.rollback()
    assert db.session.scalar(select(Invoice.id).where(Invoice.number.is_not(None))) is None


def test_an_invoice_prints_the_principal_of_its_date(network, march_16):
    batch = approved_batch(publish_february(network))
    principal.set_principal(db.session, None, date(2026, 3, 16),
                            {"name": "Sorgente Luce e Gas S.p.A.", "address": "Piazza Duomo 1"})
    db.session.commit()
    invoices = issuing.issue_invoices(db.session, None, batch)
    db.session.commit()
    text = " ".join(pdf_text(invoices[0].pdf).split())
    assert "Sorgente Luce e Gas S.p.A." in text and "Piazza Duomo 1" in text
    assert "Partita IVA: 04567890159" in text and "Via Alessandro Volta" not in text


def test_the_demo_seed_sets_its_principal_from_an_early_date(app):
    from app.demo.principal import PRINCIPAL
    from app.demo.seed import seed_demo

    summary = seed_demo(scale=0.01, random_seed=1, echo=lambda _line: None, today=date(2026, 3, 16))
    assert "Demo network of Sorgente Energia S.p.A. (P.IVA 04567890159)" in summary
    assert principal.principal_on(db.session, date(2025, 1, 1)) == PRINCIPAL
    assert settings.history(db.session, "principal_vat_number")[0].valid_from == date(2000, 1, 1)
