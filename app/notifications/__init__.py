"""Notifications in the app: my notifications, marking them read, and the unread count the navigation polls."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

from app.notifications import routes  # noqa: E402,F401
