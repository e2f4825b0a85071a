"""Tax reports for finance: quarterly ENASARCO, yearly FIRR, monthly F24 withholding, with CSV/XLSX files."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from app.reports import routes  # noqa: E402,F401
