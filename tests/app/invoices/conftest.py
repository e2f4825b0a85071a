"""Fixtures of the invoice pages: the approved February 2026 batch of the invoicing service tests, issued."""

import pytest

from app.extensions import db
from app.services.invoicing import issuing
from tests.app.services.invoicing.conftest import batch  # noqa: F401 - fixture
from tests.app.services.invoicing.conftest import statements  # noqa: F401 - fixture


@pytest.fixture
def issued(batch):  # noqa: F811
    issuing.issue_invoices(db.session, None, batch)
    db.session.commit()
    return batch
