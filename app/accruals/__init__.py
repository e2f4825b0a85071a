"""Accrued commissions (maturato) live: the panel the dashboards poll."""

from flask import Blueprint

bp = Blueprint("accruals", __name__, url_prefix="/accruals")

from app.accruals import routes  # noqa: E402,F401
