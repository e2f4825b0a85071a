"""The main path of a period in a real browser, through the real pages: the clerk starts the cycle, loads data
and validates the calculation; a partner reads and accepts its statement; the dispute window closes the other
reviews; the clerk is refused the approval of the invoice batch (segregation of duties), finance approves it;
finance reads the batch and the issued invoices, and the partner downloads its pro-forma. Screenshots go to
test-artifacts/."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

import workflows
from app.extensions import db
from app.models import InvoiceBatch
from app.models import Role
from app.services import accounts
from tests.app.trail.batches import seed_mappings
from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD_HASH
from tests.factories import publish_test_plans
from workflows import worker

pytestmark = pytest.mark.browser
T0 = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)


def _prepare() -> None:
    publish_test_plans(db.session)
    seed_mappings(db.session)
    clerk = accounts.create_user(db.session, None, username="doppio", full_name="Doppio Ruolo", password=None,
                                 roles=[Role.BACKOFFICE, Role.FINANCE])
    clerk.password_hash = PASSWORD_HASH
    db.session.commit()


def _run_jobs() -> None:
    worker.run_pending(db.session)
    db.session.expire_all()


def _sign_in(browser_page, base: str, username: str):
    page = browser_page.context.browser.new_context(viewport={"width": 1400, "height": 900},
                                                    locale="it-IT").new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "secret")
    page.click("article.login button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _open_task(page, base: str, title: str) -> None:
    page.goto(f"{base}/inbox/")
    page.locator("[data-testid=task-row]", has_text=title).first.locator("a").first.click()
    page.wait_for_selector("#task-form")


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"period-{name}.png"), full_page=True)


def test_the_main_path_of_a_period_in_the_browser(live_server, page):
    base, app, network = live_server
    _prepare()
    with time_machine.travel(T0, tick=True) as traveller:
        clerk = _sign_in(page, base, "doppio")
        clerk.goto(f"{base}/inbox/start")
        clerk.fill("input[name=month]", "2026-02")
        clerk.click("#start-cycle button[type=submit]")
        clerk.wait_for_url(f"{base}/inbox/")

        _open_task(clerk, base, "Carica")
        clerk.click("[data-testid=complete-task]")
        clerk.wait_for_url(f"{base}/inbox/")
        _run_jobs()  # the calculation, as the worker would

        _open_task(clerk, base, "Valida")
        assert "162,97" in clerk.inner_text("#run-summary")
        _shot(clerk, "1-validate-calculation")
        clerk.check("input[name=validation][value=approve]")
        clerk.click("[data-testid=complete-task]")
        clerk.wait_for_url(f"{base}/inbox/")

        # the agent reads its statement and accepts it
        agent = _sign_in(page, base, "agente")
        _open_task(agent, base, "estratto")
        assert agent.locator("[data-testid=net-payable]").count() >= 1
        _shot(agent, "2-review-statement")
        agent.check("input[name=decision][value=accept]")
        agent.click("[data-testid=complete-task]")
        agent.wait_for_url(f"{base}/inbox/")

        # ten days later the dispute window closes the other reviews; the batch is built
        traveller.shift(timedelta(days=10, minutes=1))
        workflows.fire_due_timers(db.session)
        _run_jobs()
        batch = db.session.scalar(select(InvoiceBatch))
        assert batch is not None

        # the clerk validated the calculation: the approval is refused, on the page and on the server
        _open_task(clerk, base, "Approva")
        assert clerk.locator("#sod-warning").count() == 1
        clerk.check("input[name=approval][value=approve]")
        clerk.click("[data-testid=complete-task]")
        clerk.wait_for_selector(".flash-error")
        _shot(clerk, "3-approval-refused")

        # finance approves; the invoices are issued and exported in the background
        finance = _sign_in(page, base, "finance")
        _open_task(finance, base, "Approva")
        _shot(finance, "4-approve-batch")
        finance.check("input[name=approval][value=approve]")
        finance.click("[data-testid=complete-task]")
        finance.wait_for_url(f"{base}/inbox/")
        _run_jobs()

        finance.goto(f"{base}/batches/{batch.id}")
        assert "2026/000001" in finance.inner_text("#batch-invoices")
        assert finance.locator("#batch-export a").count() == 1
        _shot(finance, "5-batch-issued")

        # the agent finds its pro-forma among its invoices and downloads it
        agent.goto(f"{base}/invoices/?period=2026-02")
        _shot(agent, "6-partner-invoices")
        link = agent.locator("a[href$='.pdf']").first
        response = agent.request.get(base + link.get_attribute("href"))
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF")
