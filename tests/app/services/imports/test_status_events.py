"""Status events make contract versions in lifecycle order and refuse events out of order."""

from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.extensions import db
from app.models import Contract
from app.services.imports import layouts
from app.services.imports import reports
from tests.app.services.imports.conftest import count

HEADER = layouts.STATUS_EVENTS.names
CONTRACT_HEADER = layouts.CONTRACTS.names


@pytest.fixture
def signed(files):
    """Contract C-S1, signed on 2026-03-02 (test network: C-A1 is active since 2026-02-01)."""
    row = {"contract_id": "C-S1", "customer_id": "CU-S1", "customer_name": "Sara Neri", "segment": "residential",
           "territory": "Lombardia", "partner_code": "A1", "product_code": "ELE", "offer_code": "ELE-FIX",
           "supply_point": "IT001E55555555", "status": "signed", "signed_on": "2026-03-02"}
    assert files.load("contracts", files.dicts("contract.csv", layouts.CONTRACTS, [row])).status == "imported"
    return "C-S1"


def _versions(external_id: str) -> list[tuple]:
    rows = db.session.scalars(select(Contract).where(Contract.external_id == external_id).order_by(Contract.version))
    return [(c.version, c.is_current, c.status.value, c.activated_on, c.terminated_on, c.status_reason) for c in rows]


def _problems(batch) -> list[tuple]:
    with force_locale("en"):
        return [(p.row, p.column, p.value, p.message) for p in reports.problems(db.session, batch)]


def test_events_make_versions_in_lifecycle_order(files, signed):
    # Written out of order on purpose: they are replayed by date.
    path = files.csv("events.csv", HEADER, [["C-S1", "active", "2026-04-01", ""], ["C-S1", "validated", "2026-03-05", ""],
                                            ["C-S1", "switching", "2026-03-09", ""]])
    batch = files.load("status_events", path)
    assert (batch.status, batch.rows_changed) == ("imported", 3)
    assert _versions("C-S1") == [
        (1, False, "signed", None, None, None),
        (2, False, "validated", None, None, None),
        (3, False, "switching", None, None, None),
        (4, True, "active", date(2026, 4, 1), None, None),
    ]
    again = files.load("status_events", path)
    assert (again.rows_changed, again.rows_unchanged) == (0, 3)
    assert len(_versions("C-S1")) == 4


def test_a_termination_sets_the_end_date(files, network):
    batch = files.load("status_events", files.csv("events.csv", HEADER, [["C-A1", "terminated", "2026-09-30",
                                                                          "switch-out"]]))
    assert batch.rows_changed == 1
    assert _versions("C-A1")[-1] == (2, True, "terminated", date(2026, 2, 1), date(2026, 9, 30), "switch-out")


@pytest.mark.parametrize(("events", "problem"), [
    ([["C-A1", "validated", "2026-03-01", ""]], (2, "status", "validated",
                                                 "The contract is active: it cannot become validated.")),
    ([["C-A1", "cancelled", "2026-03-01", "withdrawal"]], (2, "status", "cancelled",
                                                           "The contract is active: it cannot become cancelled.")),
    ([["C-A1", "terminated", "2026-01-20", ""]], (2, "event_date", "2026-01-20",
                                                  "Before the activated_on of the contract (2026-02-01).")),
    ([["C-A1", "terminated", "2026-05-31", ""], ["C-A1", "active", "2026-06-01", ""]],
     (3, "status", "active", "The contract is terminated: no further status changes.")),
    ([["C-NONE", "active", "2026-05-01", ""]], (2, "contract_id", "C-NONE", "Unknown contract.")),
])
def test_out_of_order_events_are_refused(files, network, events, problem):
    before = count(Contract)
    batch = files.load("status_events", files.csv("events.csv", HEADER, events))
    assert batch.status == "rejected"
    assert _problems(batch) == [problem]
    assert count(Contract) == before


def test_no_event_on_a_cancelled_contract_nor_before_signature(files, signed):
    early = files.load("status_events", files.csv("early.csv", HEADER, [["C-S1", "validated", "2026-03-01", ""]]))
    assert _problems(early) == [(2, "event_date", "2026-03-01", "Before the signed_on of the contract (2026-03-02).")]
    cancelled = files.load("status_events", files.csv("cancel.csv", HEADER, [["C-S1", "cancelled", "2026-03-10",
                                                                              "withdrawal"]]))
    assert (cancelled.status, cancelled.rows_changed) == ("imported", 1)
    assert _versions("C-S1")[-1] == (2, True, "cancelled", None, date(2026, 3, 10), "withdrawal")
    late = files.load("status_events", files.csv("late.csv", HEADER, [["C-S1", "active", "2026-04-01", ""]]))
    assert _problems(late) == [(2, "status", "active", "The contract is cancelled: no further status changes.")]


def test_an_activation_cannot_come_before_the_signature(files, signed):
    batch = files.load("status_events", files.csv("events.csv", HEADER, [["C-S1", "active", "2026-02-01", ""]]))
    assert _problems(batch) == [(2, "event_date", "2026-02-01", "Before the signed_on of the contract (2026-03-02).")]
