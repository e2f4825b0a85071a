"""Why a line pays what it pays: its source record, the plan version and component, the computation and the
line it derives from, loaded in bulk for a page of lines (one query per kind of source, not one per line)."""

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import BillingLine
from app.models import CalculationRun
from app.models import CommissionLine
from app.models import CommissionPeriod
from app.models import Partner
from app.models import ServiceOrder


@dataclass(frozen=True)
class Explanation:
    """Everything a line's drill-down shows besides the line's own columns."""

    line: CommissionLine
    inputs: str | None
    billing_line: BillingLine | None = None
    service_order: ServiceOrder | None = None
    original: CommissionLine | None = None
    downline: Partner | None = None

    @property
    def hold(self) -> tuple[str, str | None] | None:
        """Return the hold condition as (kind, argument): ("active", None), ("period", "2026-05-01")..."""
        if not self.line.hold_until:
            return None
        kind, _, argument = self.line.hold_until.partition(":")
        return kind, argument or None


def pretty_inputs(text: str | None) -> str | None:
    """Return a line's JSON inputs indented for reading (the text as stored when it is not JSON)."""
    if not text:
        return None
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False, sort_keys=True)
    except ValueError:
        return text


def explain(session: Session, lines: list[CommissionLine]) -> dict[int, Explanation]:
    """Return the explanation of each line, by line id."""
    bills = _by_id(session, BillingLine, [ln.source_id for ln in lines if ln.source_kind == "billing_line"])
    orders = _by_id(session, ServiceOrder, [ln.source_id for ln in lines if ln.source_kind == "service_order"])
    downline = _by_id(session, Partner, [ln.source_id for ln in lines if ln.source_kind == "downline_lines"])
    originals = originals_of(session, [ln.original_line_key for ln in lines if ln.original_line_key])
    return {
        line.id: Explanation(
            line=line,
            inputs=pretty_inputs(line.inputs),
            billing_line=bills.get(line.source_id) if line.source_kind == "billing_line" else None,
            service_order=orders.get(line.source_id) if line.source_kind == "service_order" else None,
            original=originals.get(line.original_line_key) if line.original_line_key else None,
            downline=downline.get(line.source_id) if line.source_kind == "downline_lines" else None,
        )
        for line in lines
    }


def _by_id(session: Session, model, ids: list[int | None]) -> dict:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return {row.id: row for row in session.scalars(select(model).where(model.id.in_(wanted)))}


def originals_of(session: Session, keys: list[str]) -> dict[str, CommissionLine]:
    """Return the line each key names, as its period's current run has it (else its latest stored version)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    current = select(CommissionPeriod.current_run_id).where(CommissionPeriod.current_run_id.is_not(None))
    query = (select(CommissionLine, CommissionLine.run_id.in_(current).label("is_current"))
             .join(CalculationRun, CalculationRun.id == CommissionLine.run_id)
             .where(CommissionLine.line_key.in_(wanted))
             .order_by(CommissionLine.id))
    found: dict[str, tuple[bool, CommissionLine]] = {}
    for line, is_current in session.execute(query):
        kept = found.get(line.line_key)
        if kept is None or is_current or not kept[0]:
            found[line.line_key] = (bool(is_current), line)
    return {key: line for key, (_, line) in found.items()}
