"""Fixtures for the accrued-commissions panel: the test network under the accrual test plans, February open."""

import pytest

from app.extensions import db
from app.services import accrual
from tests.app.services.accrual.conftest import FEBRUARY
from tests.app.services.accrual.conftest import planned  # noqa: F401 - the fixture, reused


@pytest.fixture
def accrued(planned):  # noqa: F811 - the fixture imported above
    """The test network with February's accruals rebuilt."""
    accrual.rebuild(db.session, FEBRUARY)
    db.session.commit()
    return planned
