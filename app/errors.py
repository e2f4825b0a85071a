"""Friendly error pages (and fragments for HTMX requests)."""

from flask import Flask
from flask_wtf.csrf import CSRFError

from app.extensions import db
from app.htmx import render


def register(app: Flask) -> None:
    """Install the error handlers."""

    def page(code: int, error=None):
        return render("errors/error.html", "errors/_error.html", status=code, code=code,
                      description=getattr(error, "description", None))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return page(400, error)

    for code in (400, 403, 404, 405, 422):
        app.register_error_handler(code, lambda error, code=code: page(code, error))

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return page(500)
