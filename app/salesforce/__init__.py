"""The Salesforce connector's pages: connection settings, field mappings, "sync now" and the sync log."""

from flask import Blueprint

bp = Blueprint("salesforce", __name__, url_prefix="/salesforce")

from app.salesforce import routes  # noqa: E402,F401
