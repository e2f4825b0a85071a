"""Pro-forma invoices: the list per period and batch, the stored PDF, sending a batch's PDFs by e-mail."""

from flask import Blueprint

bp = Blueprint("invoices", __name__, url_prefix="/invoices")

from app.invoices import routes  # noqa: E402,F401
