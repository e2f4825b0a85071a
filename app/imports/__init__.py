"""File imports: upload with a column mapping, the validation report, progress, layouts and templates."""

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/imports")

from app.imports import routes  # noqa: E402,F401
