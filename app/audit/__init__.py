"""The audit log for auditors and admins, and the labels every page shows for its action codes."""

from flask import Blueprint

from app.audit import labels

bp = Blueprint("audit", __name__, url_prefix="/audit")
bp.add_app_template_global(labels.action_label)
bp.add_app_template_global(labels.entity_label)

from app.audit import routes  # noqa: E402,F401
