"""Invoice batches: a period's pro-forma invoices with their totals and changes, as finance decides them."""

from flask import Blueprint

bp = Blueprint("batches", __name__, url_prefix="/batches")

from app.batches import routes  # noqa: E402,F401
