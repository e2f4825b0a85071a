"""The scenario tests reuse the inbox fixtures (plans, actors with their own clients, the controllable clock)."""

from tests.app.inbox.conftest import actor  # noqa: F401
from tests.app.inbox.conftest import planned  # noqa: F401
from tests.app.inbox.conftest import traveller  # noqa: F401
