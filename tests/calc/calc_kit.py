"""Builders for engine tests: small input frames written as business rows, and Decimal views of results."""

from datetime import date
from datetime import datetime
from decimal import Decimal
from itertools import count

import polars as pl

from calc.inputs import SCHEMAS
from calc.inputs import RunInputs
from calc.money import from_cents
from calc.plan import plan_from_dict

JAN = date(2025, 1, 1)
_ids = count(1000)


def frame(name: str, rows: list[dict]) -> pl.DataFrame:
    """Return input frame ``name`` built from row dicts (missing columns null)."""
    schema = SCHEMAS[name]
    return pl.DataFrame([{c: row.get(c) for c in schema} for row in rows], schema=schema, orient="row")


def partner(partner_id: int, kind: str = "agent", territory: str = "LAZ", groups=()) -> dict:
    """Return a partner row."""
    return {"partner_id": partner_id, "kind": kind, "territory": territory, "groups": list(groups)}


def link(child: int, parent: int, valid_from: date = JAN, valid_to: date | None = None) -> dict:
    """Return a hierarchy row: ``child`` reports to ``parent`` from ``valid_from``."""
    return {"partner_id": child, "parent_id": parent, "valid_from": valid_from, "valid_to": valid_to}


def contract(ref: str, partner_id: int, **fields) -> dict:
    """Return a contract row (electricity, residential, Lazio, active unless told otherwise)."""
    row = {
        "contract_id": fields.pop("contract_id", next(_ids)),
        "contract_ref": ref,
        "partner_id": partner_id,
        "product": "electricity",
        "segment": "residential",
        "territory": "LAZ",
        "status": "active",
        "yearly_volume_milli": 2_700_000,
    }
    row.update(fields)
    row.setdefault("signed_on", row.get("activated_on"))
    return row


def bill(ref: str, contract_ref: str, period: date, **fields) -> dict:
    """Return a billing line row (unpaid unless told otherwise)."""
    row = {
        "billing_line_id": fields.pop("billing_line_id", next(_ids)),
        "billing_ref": ref,
        "contract_ref": contract_ref,
        "period": period,
        "volume_milli": 0,
        "amount_cents": 0,
        "fixed_fee_cents": 0,
        "paid": False,
    }
    row.update(fields)
    return row


def order(ref: str, partner_id: int, job_type: str, opened: datetime, completed: datetime, sla_hours: int,
          **fields) -> dict:
    """Return a service order row (completed, first-time fix, rated 5 unless told otherwise)."""
    row = {
        "service_order_id": fields.pop("service_order_id", next(_ids)),
        "order_ref": ref,
        "partner_id": partner_id,
        "job_type": job_type,
        "opened_at": opened,
        "completed_at": completed,
        "sla_hours": sla_hours,
        "outcome": "completed",
        "first_time_fix": True,
        "rating": 5,
    }
    row.update(fields)
    return row


def assign(plan_id: str, partner_id: int | None = None, group: str | None = None, version: int = 1,
           valid_from: date = JAN, valid_to: date | None = None) -> dict:
    """Return an assignment row of a plan version to a partner or a group."""
    return {"plan_id": plan_id, "plan_version": version, "partner_id": partner_id, "group": group,
            "valid_from": valid_from, "valid_to": valid_to}


def inputs(**rows) -> RunInputs:
    """Return run inputs from lists of row dicts per frame name."""
    return RunInputs(**{name: frame(name, value) for name, value in rows.items()})


def plan(plan_id: str, components: list[dict], **fields):
    """Return a validated plan (version 1, valid from January 2025) with ``components``."""
    document = {"plan_id": plan_id, "version": 1, "name": plan_id, "valid_from": "2025-01-01",
                "components": components}
    document.update(fields)
    return plan_from_dict(document)


def euros(lines: pl.DataFrame, **where) -> Decimal:
    """Return the Decimal sum of the lines matching ``where`` (column = value)."""
    selected = lines
    for column, value in where.items():
        selected = selected.filter(pl.col(column) == value)
    return from_cents(selected.get_column("amount_cents").sum())


def amounts_by(lines: pl.DataFrame, column: str) -> dict:
    """Return {value of ``column``: Decimal sum} over the lines."""
    grouped = lines.group_by(column).agg(pl.col("amount_cents").sum()).rows()
    return {key: from_cents(cents) for key, cents in grouped}
