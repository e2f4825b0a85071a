"""The audit log for auditors and admins (its action and entity labels are template globals: ``app.views``)."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")

from app.audit import routes  # noqa: E402,F401
