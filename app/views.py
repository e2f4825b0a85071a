"""App-wide views and template context: health check, navigation, language."""

from flask import Flask
from flask import jsonify
from flask_babel import format_decimal
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import text

from app.auth.forms import LanguageForm
from app.extensions import db
from app.labels import TEMPLATE_GLOBALS
from app.models import Role
from app.security import public


def register(app: Flask) -> None:
    """Install the health check and the template context."""

    @app.route("/healthz")
    @public
    def healthz():
        db.session.execute(text("SELECT 1"))
        return jsonify(status="ok")

    app.jinja_env.globals.update(TEMPLATE_GLOBALS)
    app.jinja_env.globals["format_decimal"] = format_decimal
    app.jinja_env.globals["get_locale"] = get_locale

    @app.context_processor
    def navigation():
        return {"Role": Role, "language_form": LanguageForm(), "user": current_user}
