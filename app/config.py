"""Configuration read from the environment, with safe defaults for the embedded SQLite demo."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _default_database_url() -> str:
    instance = ROOT / "instance"
    instance.mkdir(exist_ok=True)
    return f"sqlite:///{instance / 'mandato.sqlite'}"


class Config:
    """Settings for a running instance; every value can come from an environment variable."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _default_database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "it"
    BABEL_DEFAULT_TIMEZONE = "Europe/Rome"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    LANGUAGES = ("it", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None
    PAGE_SIZE = 50
    REDIS_URL = os.environ.get("REDIS_URL")
    # uploaded import files are kept here (default: instance/imports)
    IMPORT_FOLDER = os.environ.get("IMPORT_FOLDER")
    # run calculations in the request instead of the job worker (tests and one-off scripts)
    CALCULATION_INLINE = False
    # E-mail: SMTP when MAIL_SERVER is set; otherwise each message is written to MAIL_FILE_PATH (the demo's outbox)
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes")
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "").lower() in ("1", "true", "yes")
    MAIL_TIMEOUT = 10
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Mandato <noreply@mandato.local>")
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND") or ("smtp" if MAIL_SERVER else "file")
    MAIL_FILE_PATH = os.environ.get("MAIL_FILE_PATH") or str(ROOT / "instance" / "outbox")
    MAIL_IN_BACKGROUND = True  # notification e-mails leave from a thread after the commit
    # an API Idempotency-Key is replayed for this many hours; `flask api purge-idempotency-keys` deletes older ones
    IDEMPOTENCY_KEY_HOURS = int(os.environ.get("IDEMPOTENCY_KEY_HOURS", "24"))


class TestConfig(Config):
    """Settings for the test suite: the database comes from the fixture."""

    TESTING = True
    SECRET_KEY = "test"
    SERVER_NAME = "localhost"
    MAIL_BACKEND = "locmem"  # kept in memory; the smtp_server fixture switches a test to a real SMTP server
    MAIL_IN_BACKGROUND = False  # tests read the messages right after the request
