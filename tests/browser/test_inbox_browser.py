"""The back-office in a real browser: sign in, the inbox badge and list, a task page, completing it, and the
process page with its BPMN diagram marked by bpmn-js. Screenshots go to test-artifacts/."""

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.services import cycle
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def test_backoffice_walks_the_inbox_and_a_task(live_server, page):
    base, app, network = live_server
    backoffice = db.session.scalar(select(User).where(User.username == "backoffice"))
    info = cycle.start_cycle(db.session, backoffice, date(2026, 2, 1))
    db.session.commit()

    page.goto(f"{base}/login")
    page.fill("input[name=username]", "backoffice")
    page.fill("input[name=password]", "secret")
    page.click("article.login button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/inbox/")
    page.wait_for_selector("#inbox-count:has-text('1')", timeout=10000)
    rows = page.locator("[data-testid=task-row]")
    assert rows.count() == 1
    page.screenshot(path=str(ARTIFACTS / "inbox.png"), full_page=True)

    rows.first.locator("a").first.click()
    page.wait_for_selector("#task-form")
    assert "/imports/" in page.content()
    page.screenshot(path=str(ARTIFACTS / "task-load-data.png"), full_page=True)
    page.click("[data-testid=complete-task]")
    page.wait_for_url(f"{base}/inbox/")
    assert page.locator(".flash-success").count() == 1
    assert page.locator("[data-testid=task-row]").count() == 0  # the calculation job is queued

    page.goto(f"{base}/processes/{info.id}")
    page.wait_for_selector("#diagram[data-rendered=true]")
    assert page.locator(".djs-element.marker-completed").count() >= 1
    assert page.locator(".djs-element.marker-active[data-element-id=calculate_commissions]").count() == 1
    page.screenshot(path=str(ARTIFACTS / "process.png"), full_page=True)
