"""The connector's page tests use the fake org and the connection of the service tests."""

from tests.app.services.salesforce.conftest import connected  # noqa: F401 - fixture
from tests.app.services.salesforce.conftest import org  # noqa: F401 - fixture
