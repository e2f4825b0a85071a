"""API tokens in the admin UI (/admin/api-tokens): list, create (the secret is shown once), revoke."""

from flask import Blueprint

bp = Blueprint("api_tokens", __name__, url_prefix="/admin/api-tokens")

from app.api_tokens import routes  # noqa: E402,F401
