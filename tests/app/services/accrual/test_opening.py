"""A month opens for accruals once, when it begins (the tick's ``flask accruals open-month``), and accrual updates
wait for any other writer of source data, so none misses rows committed meanwhile (PostgreSQL)."""

import threading
import time
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy import text

from app.extensions import db
from app.models import AccrualPeriod
from app.models import CommissionPeriod
from app.models import ContractStatus
from app.models import PeriodStatus
from app.services import accrual
from app.services.accrual.updates import current_month
from app.services.imports.writers import LOCK_KEY
from tests.app.services.accrual.conftest import FEBRUARY
from tests.app.services.accrual.conftest import assert_equals_full_run
from tests.app.services.accrual.conftest import new_contract
from workflows import clock


@pytest.fixture
def rome_clock():
    fixed = clock.FixedClock(datetime(2026, 2, 10, 9, 0, tzinfo=UTC))
    previous = clock.use(fixed)
    yield fixed
    clock.use(previous)


def test_the_current_month_is_the_company_s_month_in_rome(rome_clock):
    assert current_month() == FEBRUARY
    rome_clock.at = datetime(2026, 2, 28, 22, 59, tzinfo=UTC)
    assert current_month() == FEBRUARY
    rome_clock.at = datetime(2026, 2, 28, 23, 30, tzinfo=UTC)  # already 1 March in Rome
    assert current_month() == date(2026, 3, 1)


def test_open_month_opens_the_current_month_once_as_a_full_run(planned, rome_clock):
    assert accrual.open_periods(db.session) == []
    assert accrual.open_month(db.session) is True
    db.session.commit()
    assert accrual.open_periods(db.session) == [FEBRUARY]
    assert_equals_full_run()
    rebuilt_at = db.session.get(AccrualPeriod, FEBRUARY).rebuilt_at
    # again (the tick runs every 30 s): nothing is recomputed
    assert accrual.open_month(db.session) is False
    db.session.commit()
    assert db.session.get(AccrualPeriod, FEBRUARY).rebuilt_at == rebuilt_at
    # events of the month now reach it
    new_contract("C-OPEN-1", planned.partners["A1"], date(2026, 2, 3))
    assert accrual.on_contract_event(db.session, ["C-OPEN-1"]).periods == (FEBRUARY,)
    assert_equals_full_run()


def test_an_approved_month_is_not_opened(planned):
    db.session.add(CommissionPeriod(month=FEBRUARY, status=PeriodStatus.APPROVED))
    db.session.commit()
    assert accrual.open_month(db.session, date(2026, 2, 17)) is False
    assert db.session.scalars(select(AccrualPeriod)).all() == []


def test_the_cli_opens_a_month_and_says_so(app, planned):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["accruals", "open-month", "--period", "2026-02"])
    assert first.exit_code == 0 and first.output == "2026-02: opened for accruals\n"
    again = runner.invoke(args=["accruals", "open-month", "--period", "2026-02"])
    assert again.output == "2026-02: already open, or approved: nothing to do\n"
    rebuilt = runner.invoke(args=["accruals", "rebuild", "--period", "2026-02"])
    assert rebuilt.exit_code == 0 and rebuilt.output.startswith("2026-02: ") and "accrual lines" in rebuilt.output
    bad = runner.invoke(args=["accruals", "open-month", "--period", "February"])
    assert bad.exit_code == 2 and "'February' is not a period like 2026-03" in bad.output


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_an_update_waits_for_another_writer_and_then_sees_its_rows(app, planned):
    accrual.rebuild(db.session, FEBRUARY)
    db.session.commit()
    seller = planned.partners["A1"]
    # another writer (an import, say) holds the lock with a contract not yet committed
    other = db.engine.connect()
    writing = other.begin()
    other.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    customer = other.execute(text("INSERT INTO customer (external_id, name, segment, territory) VALUES "
                                  "('CU-W1', 'Cliente W1', 'residential', 'Lombardia') RETURNING id")).scalar()
    other.execute(text("INSERT INTO contract (external_id, version, is_current, customer_id, partner_id, "
                       "product_code, offer_code, options, status, signed_on, activated_on, yearly_volume, recorded_at) "
                       "VALUES ('C-W1', 1, true, :c, :p, 'ELE', 'ELE-FIX', '', 'active', '2026-02-02', '2026-02-05', "
                       "2700, now())"), {"c": customer, "p": seller})
    done = threading.Event()

    def update() -> None:
        with app.app_context():
            new_contract("C-W2", seller, date(2026, 2, 4), status=ContractStatus.ACTIVE, activated_on=date(2026, 2, 6))
            accrual.on_contract_event(db.session, ["C-W2"])
            db.session.commit()
        done.set()

    thread = threading.Thread(target=update)
    try:
        thread.start()
        time.sleep(1.0)
        waited = not done.is_set()
        writing.commit()
    finally:
        if writing.is_active:
            writing.rollback()
        other.close()
        thread.join(30)
    assert waited, "the update did not wait for the other writer"
    assert done.is_set()
    db.session.expire_all()
    # C-W1 was committed before the update read the seller's contracts: its activation is in the accruals too
    assert_equals_full_run()
    refs = set(db.session.scalars(text("SELECT DISTINCT contract_ref FROM accrual_line WHERE partner_id = :p"),
                                  {"p": seller}))
    assert {"C-W1", "C-W2"} <= refs
