"""Shared fixtures: an app on a real, migrated database (SQLite always, PostgreSQL when TEST_DATABASE_URL is set),
a client, a CLI runner, a small partner network and an ``auth`` helper that signs in as a demo role."""

import email
import email.policy
import os
import shutil
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask.ctx import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import create_engine
from sqlalchemy import text

from app import create_app
from app.config import TestConfig
from app.extensions import db
from tests.factories import Network
from tests.factories import build_network


def _worker_database(url: str | None) -> str | None:
    """Give each pytest-xdist worker its own PostgreSQL database (created on first use) next to the named one."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    base, name = url.rsplit("/", 1)
    own = f"{name}_{worker}"
    admin = create_engine(f"{base}/{name}", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own}).scalar():
            conn.execute(text(f'CREATE DATABASE "{own}"'))
    admin.dispose()
    return f"{base}/{own}"


PG_URL = _worker_database(os.environ.get("TEST_DATABASE_URL"))
BACKENDS = ["sqlite", "postgresql"]


def pytest_report_header(config):
    lines = [f"database backends: sqlite{', postgresql' if PG_URL else ''}"]
    if not PG_URL:
        lines.append("NOTICE: TEST_DATABASE_URL is not set: PostgreSQL tests are skipped")
    if not os.environ.get("REDIS_URL"):
        lines.append("NOTICE: REDIS_URL is not set: Redis/Celery tests are skipped")
    return lines


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({**_config(url)})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _config(url: str) -> dict:
    return {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()} | {"SQLALCHEMY_DATABASE_URI": url}


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.sqlite"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_schema():
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL backend skipped")
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    _migrate(PG_URL)
    yield engine
    engine.dispose()


def _empty_postgres(engine) -> None:
    """Delete every row (DELETE is far cheaper than TRUNCATE on tiny tables); replica mode skips FK and
    append-only triggers, which exist to stop the application, not the test harness."""
    with engine.begin() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        for table in tables:
            conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.sqlite"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
    else:
        engine = request.getfixturevalue("postgres_schema")
        yield PG_URL
        _empty_postgres(engine)


class IsolatedClient(FlaskClient):
    """A test client whose requests each run in their own app context, as in production.

    The test body keeps an app context for direct database access; it is set aside during a request so that
    per-context state (the session, ``g``, Flask-Babel's cached locale) never leaks between requests.
    """

    def open(self, *args, **kwargs):
        outer = _cv_app.get(None)
        if outer is not None:
            outer.pop()
        try:
            return super().open(*args, **kwargs)
        finally:
            if outer is not None:
                outer.push()


@pytest.fixture
def app(database_url):
    app = create_app(_config(database_url))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def network(app) -> Network:
    return build_network(db.session)


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = "secret"):
        page = self.client.get("/login")
        token = _csrf_from(page.get_data(as_text=True))
        return self.client.post("/login", data={"username": username, "password": password, "csrf_token": token})

    def csrf(self, path: str = "/") -> str:
        return _csrf_from(self.client.get(path).get_data(as_text=True))

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": self.csrf()})


def _csrf_from(html: str) -> str:
    marker = 'name="csrf-token" content="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def network_ids(network) -> Network:
    """The test network (alias that reads better in service tests)."""
    return network


class SmtpInbox:
    """What a local SMTP server received: ``messages`` are parsed ``email.message.EmailMessage`` objects."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's handler protocol)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"


@pytest.fixture
def smtp_server(app):
    """Start a real SMTP server on a free local port and point the app's mail at it for this test."""
    inbox = SmtpInbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
    try:
        yield inbox
    finally:
        controller.stop()
