"""Statements (estratti conto): a partner's published statement of a period, on screen and as a workbook."""

from flask import Blueprint

bp = Blueprint("statements", __name__, url_prefix="/statements")

from app.statements import routes  # noqa: E402,F401
