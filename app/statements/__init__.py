"""Statements (estratti conto): a partner's published statement of a period, on screen, as a workbook and as a
PDF, with its disputes and their attachments."""

from flask import Blueprint

from app.services.disputes import operations

bp = Blueprint("statements", __name__, url_prefix="/statements")
bp.record_once(lambda state: operations.register_operations())

from app.statements import routes  # noqa: E402,F401
