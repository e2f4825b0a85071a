"""What each task page shows beside its form: the data a person needs to decide, read for one task.

Each function takes the session, the task (``HumanTaskInfo``) and the task's process data, and returns the
template context of the task's partial.
"""

from sqlalchemy import select

from app.batches.context import batch_context
from app.models import CalculationRun
from app.models import Partner
from app.models import Statement
from app.models.invoice import InvoiceBatch
from app.services import cycle
from app.services import cycle_quality

IMPORT_SOURCES = ("contracts", "billing_lines", "service_orders")


def plain(session, task, data: dict) -> dict:
    """Return no extra context."""
    return {}


def batch(session, task, data: dict) -> dict:
    """Return the cycle's invoice batch with its totals and changes against the previous period."""
    row = session.get(InvoiceBatch, data.get("invoice_batch_id") or 0)
    return batch_context(row) if row is not None else {"batch": None}


def data_issues(session, task, data: dict) -> dict:
    """Return the data-quality issues stored by the period's latest check."""
    issues = cycle_quality.issues(session, task.period) if task.period else []
    return {"issues": issues, "blocking": sum(i.severity == cycle_quality.BLOCKING for i in issues)}


def load_data(session, task, data: dict) -> dict:
    """Return the import pages to link and the issues of an earlier check, if any."""
    return data_issues(session, task, data) | {"import_sources": IMPORT_SOURCES}


def calculation(session, task, data: dict) -> dict:
    """Return the run to validate, the previous period's run and the partners whose total moved a lot."""
    run_id, previous_id = data.get("calculation_run_id"), data.get("previous_run_id")
    return {
        "run": session.get(CalculationRun, run_id) if run_id else None,
        "previous": session.get(CalculationRun, previous_id) if previous_id else None,
        "change_percent": data.get("change_percent"),
        "anomalies": cycle.anomalies(session, run_id, previous_id),
        "threshold": cycle.ANOMALY_PERCENT,
    }


def statement(session, task, data: dict) -> dict:
    """Return the statement under review (by id in the process data, else by period and partner)."""
    row = session.get(Statement, data["statement_id"]) if data.get("statement_id") else None
    if row is None and data.get("partner_id"):
        row = _statement_of(session, data.get("period"), data["partner_id"])
    partner_id = data.get("partner_id") or task.partner_id
    return {"statement": row, "partner": session.get(Partner, partner_id) if partner_id else None,
            "decision": data.get("decision"), "reason": data.get("reason"), "outcome": data.get("outcome"),
            "resolution": data.get("resolution")}


def _statement_of(session, period: str | None, partner_id: int):
    if not period:
        return None
    from app.models import CommissionPeriod

    return session.scalar(select(Statement).join(CommissionPeriod, CommissionPeriod.id == Statement.period_id)
                          .where(CommissionPeriod.month == cycle.month_of(period),
                                 Statement.partner_id == partner_id))
