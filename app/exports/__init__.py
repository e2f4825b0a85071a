"""The accounting export of an issued invoice batch: export it once (finance, admin), download it (and auditors)."""

from flask import Blueprint

bp = Blueprint("exports", __name__, url_prefix="/exports")

from app.exports import routes  # noqa: E402,F401
