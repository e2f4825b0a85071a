"""A live server for browser tests: the app on a migrated SQLite file seeded with the test network, served by
werkzeug in a thread on a free port. Chromium is Debian's; Playwright never downloads a browser."""

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from tests.conftest import _config
from tests.factories import build_network

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def live_app(sqlite_template, tmp_path):
    path = tmp_path / "live.sqlite"
    shutil.copy(sqlite_template, path)
    app = create_app(_config(f"sqlite:///{path}") | {"WTF_CSRF_ENABLED": True})
    with app.app_context():
        network = build_network(db.session)
        yield app, network
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(live_app):
    app, network = live_app
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app, network
    server.shutdown()
    thread.join(5)


@pytest.fixture
def page():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing: install Debian's chromium to run the browser tests")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="it-IT")
        yield context.new_page()
        context.close()
        browser.close()
