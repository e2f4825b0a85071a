"""What each task page shows beside its form: the data a person needs to decide, read for one task.

Each function takes the session, the task (``HumanTaskInfo``) and the task's process data, and returns the
template context of the task's partial.
"""

from flask import request
from sqlalchemy import select

import workflows
from app.batches.context import batch_context
from app.models import CalculationRun
from app.models import CommissionLine
from app.models import Partner
from app.models import Statement
from app.models.invoice import InvoiceBatch
from app.services import cycle
from app.services import cycle_quality
from app.services.calculation import results
from app.services.calculation.explain import explain
from app.services.disputes import operations
from app.services.disputes import resolving
from app.services.disputes import revision

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
    row = operations.statement_of(session, data)
    partner_id = data.get("partner_id") or task.partner_id
    return {"statement": row, "partner": session.get(Partner, partner_id) if partner_id else None,
            "decision": data.get("decision"), "reason": data.get("reason"), "outcome": data.get("outcome"),
            "resolution": data.get("resolution")}


def statement_of_task(session, task) -> Statement | None:
    """Return the statement a review task is about: its period and the partner of its process instance."""
    partner_id = task.partner_id or workflows.get_instance(session, task.instance_id).partner_id
    return operations.statement_of(session, {"period": task.period, "partner_id": partner_id}) if partner_id else None


def review(session, task, data: dict) -> dict:
    """Return the statement to review with its lines, the line(s) to pre-select, and when the window closes."""
    row = statement_of_task(session, task)
    lines = list(session.scalars(results.partner_lines(row.run_id, row.partner_id))) if row else []
    if request.method == "POST":
        selected = {int(v) for v in request.form.getlist("lines") if v.isdigit()}
    else:
        selected = {int(v) for v in request.args.getlist("line") if v.isdigit()}
    return {"statement": row, "partner": row.partner if row else None, "lines": lines, "selected": selected,
            "values": request.form, "window_closes_at": task.due_at}


def dispute_lines(session, task, data: dict) -> dict:
    """Return the statement's disputes (its own and those carried into its period) with each line explained."""
    row = statement_of_task(session, task)
    disputes = resolving.disputes_of(session, row) if row else []
    ids = [line.commission_line_id for dispute in disputes for line in dispute.lines]
    lines = list(session.scalars(select(CommissionLine).where(CommissionLine.id.in_(ids)))) if ids else []
    return {"statement": row, "partner": row.partner if row else None, "disputes": disputes,
            "explanations": explain(session, lines), "values": request.form}


def dispute_outcome(session, task, data: dict) -> dict:
    """Return the answered disputes with their adjustments, and the statement's figures before and after."""
    context = dispute_lines(session, task, data)
    row = context["statement"]
    context["revision"] = revision.first_and_latest(session, row.id) if row else None
    context["adjustments"] = {a.disputed_line_id: a for a in revision.adjustments_of(session, row.id)} if row else {}
    return context
