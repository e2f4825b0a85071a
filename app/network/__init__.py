"""The partner network browser and contract pages."""

from flask import Blueprint

bp = Blueprint("network", __name__)

from app.network import routes  # noqa: E402,F401
