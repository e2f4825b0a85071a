"""Mandato: the Flask application factory. Extensions, blueprints and CLI only; no business logic."""

import sqlite3
from datetime import date

from flask import Flask
from flask_babel import lazy_gettext
from sqlalchemy import event
from sqlalchemy.engine import Engine

import workflows
from app.config import Config
from app.extensions import babel
from app.extensions import csrf
from app.extensions import db
from app.extensions import htmx_ext
from app.extensions import login_manager
from app.extensions import mail
from app.extensions import migrate
from app.i18n import select_locale


def create_app(config: type | dict | None = None) -> Flask:
    """Build a configured Mandato app."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"), render_as_batch=True)
    csrf.init_app(app)
    mail.init_app(app)
    htmx_ext.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    _init_login(app)
    _register_blueprints(app)
    _register_cli(app)

    from app import errors
    from app import views

    errors.register(app)
    views.register(app)
    return app


def _init_login(app: Flask) -> None:
    from app.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please sign in to open this page.")
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.active else None


def _register_blueprints(app: Flask) -> None:
    from app.accruals import bp as accruals_bp
    from app.api import bp as api_bp
    from app.api_tokens import bp as api_tokens_bp
    from app.audit import bp as audit_bp
    from app.auth import bp as auth_bp
    from app.batches import bp as batches_bp
    from app.dashboard import bp as dashboard_bp
    from app.exports import bp as exports_bp
    from app.imports import bp as imports_bp
    from app.inbox import bp as inbox_bp
    from app.invoices import bp as invoices_bp
    from app.network import bp as network_bp
    from app.notifications import bp as notifications_bp
    from app.plans import bp as plans_bp
    from app.reports import bp as reports_bp
    from app.runs import bp as runs_bp
    from app.salesforce import bp as salesforce_bp
    from app.settings import bp as settings_bp
    from app.statements import bp as statements_bp
    from app.trail import bp as trail_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)  # token auth, no cookies: the API blueprint alone is exempt
    app.register_blueprint(api_tokens_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(network_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(batches_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(runs_bp)
    app.register_blueprint(accruals_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(settings_bp)
    app.register_blueprint(inbox_bp)
    app.register_blueprint(statements_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(invoices_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(trail_bp)
    app.register_blueprint(salesforce_bp)


def _register_cli(app: Flask) -> None:
    from app.cli import accruals_cli
    from app.cli import api_cli
    from app.cli import calc_cli
    from app.cli import demo_cli
    from app.cli import plans_cli
    from app.cli import tick
    from app.salesforce.cli import salesforce_cli

    app.cli.add_command(demo_cli)
    app.cli.add_command(plans_cli)
    app.cli.add_command(calc_cli)
    app.cli.add_command(salesforce_cli)
    app.cli.add_command(api_cli)
    app.cli.add_command(accruals_cli)
    app.cli.add_command(tick)
    workflows.init_app(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Turn on foreign keys and WAL for SQLite; PostgreSQL needs nothing."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


sqlite3.register_adapter(date, date.isoformat)
