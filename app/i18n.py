"""Language choice: the user's saved locale, then the session's switch, then Italian."""

from flask import current_app
from flask import session
from flask_login import current_user


def offered(locale: str | None) -> str:
    """Return ``locale`` when the app offers it, else the app's default language."""
    return locale if locale in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def select_locale() -> str:
    """Return the locale for this request."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]
