"""Fixtures of the statement pages: February 2026 calculated, validated and published for the test network."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import CommissionPeriod
from app.models import PeriodStatus
from app.services.calculation import runner
from app.services.statements import publishing
from tests.app.services.test_calculation import FEBRUARY
from tests.app.services.test_calculation import planned  # noqa: F401 - fixture


@pytest.fixture
def published(planned):  # noqa: F811
    runner.run_period(db.session, None, FEBRUARY)
    period = db.session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == FEBRUARY))
    period.status = PeriodStatus.VALIDATED
    publishing.publish(db.session, None, FEBRUARY)
    db.session.commit()
    return planned
