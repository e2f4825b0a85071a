"""Every API error has one shape: ``{"errors": [{"index", "field", "code", "message"}]}``.

``index`` is the position of the item in a request's list (0 for a single object, null for the request as a
whole), ``field`` the field (or query parameter, or header) at fault, ``code`` a stable machine-readable word,
``message`` a sentence in the language of ``Accept-Language`` (English by default). HTTP errors raised in API
views (404, 405, 413 ...) and unknown paths under ``/api/v1`` answer in this shape too, never with an HTML page.
"""

from flask import current_app
from flask import jsonify
from flask import request
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from app.api import bp
from app.extensions import db
from app.security import public

LANGUAGES = ("en", "it")


def problem(code: str, message: str, *, field: str | None = None, index: int | None = None,
            value: str | None = None) -> dict:
    """Return one entry of an error body."""
    entry = {"index": index, "field": field, "code": code, "message": message}
    if value is not None:
        entry["value"] = value
    return entry


def errors(status: int, entries: list[dict], headers: dict | None = None):
    """Return the JSON error response with ``entries``."""
    response = jsonify(errors=entries)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def error(status: int, code: str, message: str, *, field: str | None = None, headers: dict | None = None):
    """Return a JSON error response with one entry about the request as a whole (or one of its fields)."""
    return errors(status, [problem(code, message, field=field)], headers)


def api_locale() -> str:
    """Return the language of the API's messages: the best of ``Accept-Language``, English by default."""
    return request.accept_languages.best_match(LANGUAGES) or "en"


class Refused(Exception):
    """A request that cannot be processed; the blueprint answers with its error response."""

    def __init__(self, response):
        super().__init__(response.status)
        self.response = response


@bp.errorhandler(Refused)
def refused(exc: Refused):
    return exc.response


HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large",
              415: "unsupported_media_type"}


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    with force_locale(api_locale()):
        message = {404: _("Not found."), 405: _("Method not allowed on this resource."),
                   413: _("The request body is too large.")}.get(exc.code, exc.description or exc.name)
    response = error(exc.code or 500, HTTP_CODES.get(exc.code, "error"), message)
    if exc.code == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


@bp.errorhandler(500)
def server_error(_exc):
    db.session.rollback()
    current_app.logger.exception("API error on %s %s", request.method, request.path)
    with force_locale(api_locale()):
        return error(500, "server_error", _("Something went wrong on our side; nothing was written."))


@bp.route("/<path:unknown>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@public
def unknown_path(unknown: str):
    """Answer paths under /api/v1 that match no resource with a JSON 404 (the app's 404 page is HTML)."""
    with force_locale(api_locale()):
        return error(404, "not_found", _("No such resource: %(path)s.", path=request.path))
