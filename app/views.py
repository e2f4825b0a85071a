"""App-wide views and template context: health check, favicon, navigation, language."""

from flask import Flask
from flask import jsonify
from flask import redirect
from flask import url_for
from flask_babel import format_decimal
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import text

from app.audit.labels import action_label
from app.audit.labels import entity_label
from app.auth.forms import LanguageForm
from app.extensions import db
from app.labels import TEMPLATE_GLOBALS
from app.models import Role
from app.security import public


def register(app: Flask) -> None:
    """Install the health check, the favicon and the template context."""

    @app.route("/healthz")
    @public
    def healthz():
        db.session.execute(text("SELECT 1"))
        return jsonify(status="ok")

    @app.route("/favicon.ico")
    @public
    def favicon():
        # Pages link the SVG icon; browsers and tools that ask for the conventional path are sent to it.
        return redirect(url_for("static", filename="favicon.svg"), code=301)

    app.jinja_env.globals.update(TEMPLATE_GLOBALS, action_label=action_label, entity_label=entity_label)
    app.jinja_env.globals["format_decimal"] = format_decimal
    app.jinja_env.globals["get_locale"] = get_locale

    @app.context_processor
    def navigation():
        return {"Role": Role, "language_form": LanguageForm(), "user": current_user}
