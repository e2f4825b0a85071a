"""Idempotent imports: the same file twice imports once; a changed row becomes a new version, the old one stays."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry
from app.models import BillingLine
from app.models import ServiceOrder
from app.services.imports import layouts
from app.services.imports import runner
from tests.app.services.imports.conftest import count

HEADER = layouts.BILLING_LINES.names


def _lines(amount_of_second: str = "61.35") -> list[list[str]]:
    return [
        ["BL-1", "C-A1", "2026-03-01", "2026-03-31", "228.400", "59.80", "12.00", "sì", "20/04/2026"],
        ["BL-2", "C-A1A", "2026-03-01", "2026-03-31", "231,5", amount_of_second, "12", "no", ""],
        ["BL-3", "C-B1", "2026-03-01", "2026-03-31", "1.210,250", "310,00", "12,00", "true", "2026-04-18"],
    ]


def test_the_same_file_twice_imports_once(files):
    path = files.csv("billing.csv", HEADER, _lines())
    first = files.load("billing_lines", path)
    lines_after_first = count(BillingLine)
    second = files.load("billing_lines", path)

    assert (first.status, first.rows_new, first.rows_changed, first.rows_unchanged) == ("imported", 3, 0, 0)
    assert (second.status, second.rows_new, second.rows_changed, second.rows_unchanged) == ("imported", 0, 0, 3)
    assert count(BillingLine) == lines_after_first
    assert count(BillingLine, BillingLine.import_batch_id == second.id) == 0
    assert [b.id for b in runner.same_file_imports(db.session, second)] == [first.id]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import.completed",
                                                       AuditEntry.entity_id == str(second.id)))
    assert entry.actor == "backoffice" and entry.after["unchanged"] == 3 and entry.after["sha256"] == second.sha256


def test_a_changed_row_becomes_version_two_and_version_one_is_kept(files):
    first = files.load("billing_lines", files.csv("billing.csv", HEADER, _lines()))
    second = files.load("billing_lines", files.csv("billing-corrected.csv", HEADER, _lines("62.10")))

    assert (second.rows_new, second.rows_changed, second.rows_unchanged) == (0, 1, 2)
    versions = db.session.scalars(select(BillingLine).where(BillingLine.external_id == "BL-2")
                                  .order_by(BillingLine.version)).all()
    assert [(v.version, v.is_current, v.amount_billed, v.import_batch_id) for v in versions] == [
        (1, False, Decimal("61.35"), first.id), (2, True, Decimal("62.10"), second.id)]
    assert versions[1].volume == Decimal("231.500") and versions[1].paid is False and versions[1].paid_on is None
    bl3 = db.session.scalar(select(BillingLine).where(BillingLine.external_id == "BL-3"))
    assert (bl3.volume, bl3.amount_billed, bl3.version) == (Decimal("1210.250"), Decimal("310.00"), 1)


def test_back_to_the_first_values_is_a_third_version(files):
    files.load("billing_lines", files.csv("a.csv", HEADER, _lines()))
    files.load("billing_lines", files.csv("b.csv", HEADER, _lines("62.10")))
    third = files.load("billing_lines", files.csv("a-again.csv", HEADER, _lines()))
    assert (third.rows_changed, third.rows_unchanged) == (1, 2)
    current = db.session.scalar(select(BillingLine).where(BillingLine.external_id == "BL-2", BillingLine.is_current))
    assert (current.version, current.amount_billed) == (3, Decimal("61.35"))
    assert count(BillingLine, BillingLine.external_id == "BL-2", BillingLine.is_current) == 1


def test_service_orders_keep_their_times_and_versions(files):
    header = layouts.SERVICE_ORDERS.names
    row = ["SO-1", "I1", "C-A1", "repair", "2026-03-29 01:30", "2026-03-29 03:30", "24", "completed", "", "4"]
    first = files.load("service_orders", files.csv("orders.csv", header, [row]))
    again = files.load("service_orders", files.csv("orders.csv", header, [row]))
    later = files.load("service_orders", files.csv("orders-2.csv", header, [row[:9] + ["5"]]))
    assert (first.rows_new, again.rows_unchanged, later.rows_changed) == (1, 1, 1)
    order = db.session.scalar(select(ServiceOrder).where(ServiceOrder.is_current))
    assert (order.version, order.rating, order.first_time_fix, order.sla_hours) == (2, 5, True, 24)
    # 03:30 on the day summer time starts is 01:30 UTC (+02:00): stored and compared as the same instant.
    assert order.completed_at.replace(tzinfo=None).strftime("%H:%M") in ("03:30", "01:30")


def test_a_validated_batch_is_claimed_for_import_once(files):
    path = files.csv("billing.csv", HEADER, _lines())
    batch = runner.submit(db.session, None, "billing_lines", path.name, path.read_bytes())
    db.session.commit()
    runner.validate(db.session, batch)
    db.session.commit()
    runner.begin_import(db.session, batch)
    db.session.commit()
    assert batch.status == "importing"
    with pytest.raises(runner.NotReady):
        runner.begin_import(db.session, batch)
    runner.run(db.session, None, batch)
    db.session.commit()
    assert (batch.status, batch.rows_new) == ("imported", 3)
    with pytest.raises(runner.NotReady):
        runner.run(db.session, None, batch)
