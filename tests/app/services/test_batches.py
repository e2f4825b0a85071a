"""Invoice batches: building from the published statements, the comparison with the previous period, and
finance's decision under segregation of duties (refused to whoever validated or prepared, recorded)."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry
from app.models import CommissionPeriod
from app.models import Invoice
from app.models import InvoiceBatch
from app.models import PeriodStatus
from app.models import Role
from app.models import Statement
from app.models import User
from app.models.invoice import BatchStatus
from app.services import accounts
from app.services.batches import approval
from app.services.batches import building
from app.services.calculation import runner
from app.services.statements import publishing
from tests.app.services.test_calculation import FEBRUARY
from tests.app.services.test_calculation import planned  # noqa: F401 - fixture


@pytest.fixture
def published(planned):  # noqa: F811
    """February calculated, validated by a user holding both back-office and finance roles, and published."""
    both = accounts.create_user(db.session, None, username="doppio", full_name="Doppio Ruolo", password=None,
                                roles=[Role.BACKOFFICE, Role.FINANCE], partner_id=None)
    runner.run_period(db.session, None, FEBRUARY)
    period = db.session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == FEBRUARY))
    period.status, period.validated_by = PeriodStatus.VALIDATED, both.id
    publishing.publish(db.session, None, FEBRUARY)
    db.session.commit()
    planned.users["doppio"] = both.id
    return planned


def _user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def _built(net) -> InvoiceBatch:
    batch = building.build(db.session, _user("doppio"), FEBRUARY)
    db.session.commit()
    return batch


def test_a_batch_holds_one_pro_forma_per_statement_with_something_to_invoice(published):
    batch = _built(published)
    statements = db.session.scalars(select(Statement).where(Statement.taxable > 0)).all()
    invoices = {i.partner_id: i for i in batch.invoices}
    assert set(invoices) == {s.partner_id for s in statements} and len(invoices) == batch.invoice_count > 0
    a1 = invoices[published.partners["A1"]]
    assert (a1.taxable, a1.vat, a1.withholding, a1.net_payable) == (
        Decimal("50.93"), Decimal("11.20"), Decimal("5.86"), Decimal("51.94"))
    assert a1.number is None and batch.status == BatchStatus.DRAFT
    assert batch.taxable == sum(s.taxable for s in statements)
    assert batch.net_payable == sum(s.net_payable for s in statements)


def test_building_again_replaces_the_draft_invoices(published):
    first = _built(published)
    again = _built(published)
    assert again.id == first.id
    assert db.session.scalar(select(db.func.count()).select_from(Invoice)) == first.invoice_count


def test_an_unvalidated_period_is_not_invoiced(planned):  # noqa: F811
    runner.run_period(db.session, None, FEBRUARY)
    db.session.commit()
    with pytest.raises(building.BatchError, match="only a validated period"):
        building.build(db.session, None, FEBRUARY)


def test_who_validated_the_calculation_cannot_approve_and_the_refusal_is_recorded(published):
    batch = _built(published)
    with pytest.raises(approval.SegregationOfDuties) as refused:
        approval.approve(db.session, _user("doppio"), batch)
    assert refused.value.reason == "validated"
    db.session.rollback()
    approval.record_refusal(db.session, _user("doppio"), batch, refused.value)
    db.session.commit()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "batch.decision_refused"))
    assert entry.actor == "doppio" and entry.after["reason"] == "validated"
    assert db.session.get(InvoiceBatch, batch.id).status == BatchStatus.DRAFT


def test_who_prepared_the_batch_cannot_approve_it(published):
    batch = building.build(db.session, _user("finance"), FEBRUARY)
    with pytest.raises(approval.SegregationOfDuties, match="you prepared this batch"):
        approval.approve(db.session, _user("finance"), batch)


def test_only_finance_decides(published):
    batch = _built(published)
    with pytest.raises(building.BatchError, match="only finance"):
        approval.approve(db.session, _user("backoffice"), batch)


def test_approval_by_another_finance_user_locks_the_period(published):
    batch = _built(published)
    approval.approve(db.session, _user("finance"), batch)
    db.session.commit()
    period = db.session.get(CommissionPeriod, batch.period_id)
    assert batch.status == BatchStatus.APPROVED and batch.decided_by == published.users["finance"]
    assert period.status == PeriodStatus.APPROVED and period.locked
    assert period.approved_by == published.users["finance"]
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"batch.built", "batch.approved", "period.approved"} <= actions
    with pytest.raises(building.BatchError, match="validated period"):
        building.build(db.session, _user("doppio"), FEBRUARY)


def test_a_rejection_needs_a_reason_and_the_next_build_is_a_new_batch(published):
    batch = _built(published)
    with pytest.raises(building.BatchError, match="needs a reason"):
        approval.reject(db.session, _user("finance"), batch, "  ")
    approval.reject(db.session, _user("finance"), batch, "Agente A1: provvigione da verificare")
    db.session.commit()
    rebuilt = building.build(db.session, _user("backoffice"), FEBRUARY)
    db.session.commit()
    assert rebuilt.id != batch.id and rebuilt.built_by == published.users["backoffice"]
    assert db.session.get(InvoiceBatch, batch.id).status == BatchStatus.REJECTED
    assert db.session.get(CommissionPeriod, batch.period_id).status == PeriodStatus.VALIDATED


def test_the_comparison_shows_new_changed_and_gone_partners(published):
    january = CommissionPeriod(month=date(2026, 1, 1), status=PeriodStatus.APPROVED)
    db.session.add(january)
    db.session.flush()
    previous = InvoiceBatch(period_id=january.id, status=BatchStatus.ISSUED, taxable=Decimal("140.00"))
    db.session.add(previous)
    db.session.flush()
    amounts = dict.fromkeys(("taxable", "vat", "withholding", "enasarco_agent", "stamp_duty", "document_total",
                             "net_payable"), Decimal("0.00"))
    old_statement = Statement(period_id=january.id, partner_id=published.partners["A1"],
                              run_id=db.session.scalar(select(Statement.run_id).limit(1)),
                              review_deadline=date(2026, 2, 10))
    gone_statement = Statement(period_id=january.id, partner_id=published.partners["B1"],
                               run_id=old_statement.run_id, review_deadline=date(2026, 2, 10))
    db.session.add_all([old_statement, gone_statement])
    db.session.flush()
    db.session.add_all([
        Invoice(batch_id=previous.id, statement_id=old_statement.id, partner_id=published.partners["A1"],
                **amounts | {"taxable": Decimal("40.00"), "net_payable": Decimal("41.00")}),
        Invoice(batch_id=previous.id, statement_id=gone_statement.id, partner_id=published.partners["B1"],
                **amounts | {"taxable": Decimal("100.00")}),
    ])
    db.session.execute(db.update(Statement).where(Statement.period_id != january.id,
                                                  Statement.partner_id == published.partners["B1"])
                       .values(taxable=Decimal("0.00")))
    batch = _built(published)

    comparison = building.compare(db.session, batch)
    rows = {row.partner.code: row for row in comparison.rows}
    assert comparison.previous.id == previous.id
    assert (rows["A1"].status, rows["A1"].previous_taxable, rows["A1"].change) == (
        "changed", Decimal("40.00"), Decimal("10.93"))
    assert (rows["B1"].status, rows["B1"].change) == ("gone", Decimal("-100.00"))
    assert rows["A1A"].status == "new"
    assert comparison.count("gone") == 1
