"""The dispute window and the review deadline with the controllable clock: a dispute after the window is refused
and the fired timer accepts the statement; a dispute still open at the cycle's review deadline is carried to the
next period, whose statement shows it and gets its adjustment."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

import workflows
from app.extensions import db
from app.models import Adjustment
from app.models import AuditEntry
from app.models import BillingLine
from app.models import CommissionLine
from app.models import CommissionPeriod
from app.models import Dispute
from app.models import DisputedLine
from app.models import Notification
from app.models import PeriodStatus
from app.models import Statement
from app.models import StatementStatus
from app.models import User
from app.models.statement import DisputeStatus
from app.models.statement import LineOutcome
from app.services.calculation import runner
from app.services.statements import publishing
from tests.app.inbox.conftest import actor  # noqa: F401 - fixture
from tests.app.inbox.conftest import cycle_to_reviews
from tests.app.inbox.conftest import planned  # noqa: F401 - fixture
from tests.app.inbox.conftest import traveller  # noqa: F401 - fixture

MARCH = date(2026, 3, 1)


def _statement(partner_id: int, month: date = date(2026, 2, 1)) -> Statement:
    db.session.expire_all()
    return db.session.scalar(select(Statement).join(CommissionPeriod, Statement.period_id == CommissionPeriod.id)
                             .where(Statement.partner_id == partner_id, CommissionPeriod.month == month))


def _activation_line(partner_id: int) -> int:
    statement = _statement(partner_id)
    return db.session.scalar(select(CommissionLine.id).where(
        CommissionLine.run_id == statement.run_id, CommissionLine.partner_id == partner_id,
        CommissionLine.component_id == "activation"))


def _dispute(agente, partner_id: int):
    review = agente.task("review_statement")
    return agente.post(f"/inbox/tasks/{review.id}", {"decision": "dispute", "reason": "activation paid 60",
                                                     "lines": [_activation_line(partner_id)]})


def test_a_dispute_after_the_window_is_refused_and_the_timer_accepts(planned, actor, traveller):  # noqa: F811
    cycle_to_reviews(actor("backoffice").user)
    agente = actor("agente")
    review = agente.task("review_statement")
    traveller.shift(timedelta(days=10, minutes=1))  # the window has closed; the tick has not run yet
    refused = _dispute(agente, planned.partners["A1"])
    assert refused.status_code == 422
    assert "15/03/2026 09:00" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Dispute.id)) is None

    assert review.instance_id in workflows.fire_due_timers(db.session)
    statement = _statement(planned.partners["A1"])
    assert statement.status == StatementStatus.ACCEPTED and statement.net_payable == Decimal("51.94")
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "statement.accepted_by_default",
                                                         AuditEntry.entity_id == str(statement.id)))
    late = agente.post(f"/inbox/tasks/{review.id}", {"decision": "dispute", "reason": "late",
                                                     "lines": [_activation_line(planned.partners["A1"])]})
    assert late.status_code == 303 and db.session.scalar(select(Dispute.id)) is None


def _carry(planned, actor, traveller):  # noqa: F811
    backoffice = actor("backoffice")
    cycle = cycle_to_reviews(backoffice.user)
    agente = actor("agente")
    assert _dispute(agente, planned.partners["A1"]).status_code == 303
    traveller.move_to(datetime(2026, 4, 16, 18, 1, tzinfo=UTC))  # the cycle's review deadline has passed
    assert cycle.id in workflows.fire_due_timers(db.session)
    return actor("backoffice"), actor("agente")  # signed in again: six weeks later their CSRF tokens expired


def test_open_disputes_are_carried_at_the_review_deadline(planned, actor, traveller):  # noqa: F811
    backoffice, agente = _carry(planned, actor, traveller)
    dispute = db.session.scalar(select(Dispute))
    march = db.session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == MARCH))
    assert march is not None and march.status == PeriodStatus.OPEN  # made to receive the dispute
    assert (dispute.status, dispute.carried_to_period_id) == (DisputeStatus.CARRIED, march.id)
    assert [line.outcome for line in dispute.lines] == [LineOutcome.PENDING]
    february = _statement(planned.partners["A1"])
    assert february.status == StatementStatus.CLOSED
    assert (february.adjustments, february.net_payable) == (Decimal("0.00"), Decimal("51.94"))
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "dispute.carried"))
    told = {(n.user_id, n.kind) for n in db.session.scalars(select(Notification))}
    assert (agente.user_id, "dispute_carried") in told and (backoffice.user_id, "dispute_carried") in told

    # the February task may now be closed with the carried line unanswered; the partner reads "carried"
    resolve = backoffice.task("resolve_disputes")
    assert backoffice.post(f"/inbox/tasks/{resolve.id}", {}).status_code == 303
    outcome = agente.get(f"/inbox/tasks/{agente.task('see_outcome').id}").get_data(as_text=True)
    assert 'data-status="carried"' in outcome and 'data-outcome="pending"' in outcome


def _publish_march(partner_id: int) -> Statement:
    db.session.add(BillingLine(external_id="BL-C-A1-2026-03", contract_external_id="C-A1",
                               period_start=date(2026, 3, 1), period_end=date(2026, 3, 31),
                               volume=Decimal("250.000"), amount_billed=Decimal("66.00"),
                               fixed_fee_billed=Decimal("12.00"), paid=True, paid_on=date(2026, 4, 10)))
    db.session.commit()
    runner.run_period(db.session, None, MARCH)
    period = db.session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == MARCH))
    period.status = PeriodStatus.VALIDATED
    publishing.publish(db.session, None, MARCH)
    db.session.commit()
    return _statement(partner_id, MARCH)


def test_the_next_statement_shows_the_carried_dispute_and_gets_its_adjustment(planned, actor, traveller):  # noqa: F811
    backoffice, agente = _carry(planned, actor, traveller)
    march = _publish_march(planned.partners["A1"])
    assert march.payable == Decimal("1.00") and march.adjustments == Decimal("0.00")
    url = f"/statements/2026-03/partners/{planned.partners['A1']}"
    [disputed] = db.session.scalars(select(DisputedLine.id))
    page = backoffice.get(url).get_data(as_text=True)
    assert "activation paid 60" in page and f'name="outcome-{disputed}"' in page
    assert "activation paid 60" in agente.get(url).get_data(as_text=True)  # the partner sees it too
    assert f'name="outcome-{disputed}"' not in agente.get(url).get_data(as_text=True)

    answer = {f"outcome-{disputed}": "accept", f"adjustment-{disputed}": "10,00"}
    assert backoffice.post(f"{url}/carried-disputes", {f"outcome-{disputed}": "accept"}).status_code == 422
    assert backoffice.post(f"{url}/carried-disputes", answer).status_code == 303
    march = _statement(planned.partners["A1"], MARCH)
    assert (march.adjustments, march.taxable, march.vat) == (Decimal("10.00"), Decimal("11.00"), Decimal("2.42"))
    [adjustment] = db.session.scalars(select(Adjustment))
    assert (adjustment.statement_id, adjustment.kind, adjustment.disputed_line_id) == (march.id, "carried", disputed)
    assert db.session.scalar(select(Dispute.status)) == DisputeStatus.RESOLVED
    assert _statement(planned.partners["A1"]).adjustments == Decimal("0.00")  # February stays as closed


def test_a_carried_line_answered_before_the_next_publication_is_booked_by_it(planned, actor, traveller):  # noqa: F811
    backoffice, agente = _carry(planned, actor, traveller)
    [disputed] = db.session.scalars(select(DisputedLine.id))
    resolve = backoffice.task("resolve_disputes")
    done = backoffice.post(f"/inbox/tasks/{resolve.id}", {f"outcome-{disputed}": "accept",
                                                           f"adjustment-{disputed}": "10,00"})
    assert done.status_code == 303
    assert db.session.scalar(select(Adjustment.id)) is None  # March is not published: the answer waits
    march = _publish_march(planned.partners["A1"])
    assert (march.adjustments, march.taxable) == (Decimal("10.00"), Decimal("11.00"))
    adjustment = db.session.scalar(select(Adjustment))
    backoffice_id = db.session.scalar(select(User.id).where(User.username == "backoffice"))
    assert (adjustment.statement_id, adjustment.created_by, adjustment.kind) == (march.id, backoffice_id, "carried")
