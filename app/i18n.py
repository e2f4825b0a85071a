"""Language choice: the user's saved locale, then the session's switch, then Italian."""

from flask import current_app
from flask import session
from flask_login import current_user


def offered(locale: str | None) -> str:
    """Return ``locale`` when the app offers it, else the app's default language."""
    return locale if locale in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def select_locale() -> str:
    """Return the locale for this request."""
    chosen = session.get("locale")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return offered(current_user.locale if getattr(current_user, "is_authenticated", False) else None)
