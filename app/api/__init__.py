"""The REST API under ``/api/v1``: JSON for the principal's systems (push contracts, status events and billing
lines) and for partners' and finance's tools (read partners, statements and accrued balances).

Clients authenticate with ``Authorization: Bearer <token>`` (tokens are created in ``/admin/api-tokens``); each
route needs one scope. No cookies are read, so the blueprint is exempt from CSRF (and only this blueprint).
The OpenAPI 3 document is generated from the marshmallow schemas that validate the requests
(``/api/v1/openapi.json``) and browsed at ``/api/v1/docs``. One module per resource.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.api import accruals  # noqa: E402,F401
from app.api import billing_lines  # noqa: E402,F401
from app.api import contract_events  # noqa: E402,F401
from app.api import contracts  # noqa: E402,F401
from app.api import errors  # noqa: E402,F401
from app.api import partners  # noqa: E402,F401
from app.api import spec  # noqa: E402,F401
from app.api import statements  # noqa: E402,F401
