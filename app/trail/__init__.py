"""The auditor trail: from an invoice to its batch and approvals, period, statement, lines, plan versions,
source records and import files, with who did what and when (auditors and admins only)."""

from flask import Blueprint

bp = Blueprint("trail", __name__, url_prefix="/trail")

from app.trail import routes  # noqa: E402,F401
