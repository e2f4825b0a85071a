"""Writing pulled records through the import path: the same layouts, checks, matching and writers as a file.

Each step turns records into the text rows an import file of that source would hold (one per record, in the
order Salesforce returned them), checks and matches them like every import batch does
(:func:`app.services.imports.recording.check_and_match`: the import's own field checks, the source's reference
and business rules, new / changed / unchanged by external id) and writes the plan with the sync's import batch
id, so a synced contract is versioned exactly like an imported row.

The steps of a sync, in order (a later step sees what the earlier ones wrote, in the same transaction):

1. ``partners`` from the live Accounts;
2. ``contracts`` from the live Contracts (their partners may have arrived in step 1);
3. deleted Contracts: a contract status event through the ``status_events`` source, ``terminated`` for an
   active contract and ``cancelled`` before activation, dated the day of the deletion: a new version, the
   history kept, nothing erased (a contract already ended, or never imported, is left as it is);
4. deleted Accounts: the partner's mandate ends (``active_to``) on the day of the deletion.

A problem is reported with the Salesforce object, record id and field it came from.
"""

from dataclasses import dataclass
from dataclasses import field

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Contract
from app.models import Partner
from app.services.imports import layouts
from app.services.imports import recording
from app.services.imports import sources
from app.services.imports.matching import Counts
from app.services.imports.problems import ERROR
from app.services.imports.problems import ProblemLog
from app.services.imports.problems import message_text
from app.services.imports.readers import ROW
from app.services.imports.sources import Plan
from app.services.salesforce.mapping import ObjectMapping
from app.services.salesforce.mapping import as_text
from app.services.salesforce.mapping import parse_datetime
from app.services.salesforce.mapping import value_of
from workflows import clock

DELETED_REASON = "deleted in Salesforce"
FIRST_ROW = 2  # like a file: row 1 is the header


@dataclass
class Step:
    """The rows of one import source made from Salesforce records, and where each row came from."""

    name: str
    source: str
    rows: list[dict]
    origins: list[tuple[str, str, dict[str, str]]]  # (object, record id, Mandato field -> Salesforce field)
    present: frozenset[str]


@dataclass
class Outcome:
    """What a step found and wrote."""

    counts: Counts = field(default_factory=Counts)
    problems: list[dict] = field(default_factory=list)
    skipped: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for problem in self.problems if problem["severity"] == ERROR)


def live_step(mapping: ObjectMapping, records: list[dict]) -> Step:
    """Return the rows of ``mapping``'s target made from its live records."""
    layout = mapping.layout
    # Worked out once, not per record: a first sync reads tens of thousands of them.
    readers = [(f.name, mapping.fields[f.name], f.kind) for f in layout.fields if f.name in mapping.fields]
    rows = [{name: as_text(value_of(record, path), kind) for name, path, kind in readers} for record in records]
    origins = [(mapping.sobject, record.get("Id") or "", mapping.fields) for record in records]
    return Step(mapping.target, mapping.target, rows, origins, frozenset(mapping.fields))


def _deleted_on(record: dict):
    return clock.company_day(parse_datetime(str(record["SystemModstamp"])))


def contract_endings(session: Session, mapping: ObjectMapping, records: list[dict]) -> tuple[Step, int]:
    """Return the status events that end the deleted contracts, and how many deletions change nothing."""
    keys = {record["Id"]: as_text(value_of(record, mapping.key_field), "id") for record in records}
    status = dict(session.execute(select(Contract.external_id, Contract.status).where(
        Contract.external_id.in_([key for key in keys.values() if key]), Contract.is_current)).all())
    rows, origins, skipped = [], [], 0
    for record in records:
        key = keys[record["Id"]]
        current = status.get(key)
        if current is None or current.value in ("terminated", "cancelled"):
            skipped += 1
            continue
        ending = "terminated" if current.value == "active" else "cancelled"
        rows.append({"contract_id": key, "status": ending, "event_date": _deleted_on(record).isoformat(),
                     "reason": DELETED_REASON})
        origins.append((mapping.sobject, record["Id"], {"contract_id": mapping.key_field, "status": "IsDeleted",
                                                        "event_date": "SystemModstamp"}))
    return Step("contract_endings", "status_events", rows, origins,
                frozenset(layouts.STATUS_EVENTS.names)), skipped


def partner_endings(session: Session, mapping: ObjectMapping, records: list[dict]) -> tuple[Step, int]:
    """Return the partner rows that end the mandates of the deleted Accounts, and how many change nothing."""
    keys = {record["Id"]: as_text(value_of(record, mapping.key_field), "code") for record in records}
    stored = {p.code: p for p in session.scalars(select(Partner).where(
        Partner.code.in_([key.upper() for key in keys.values() if key])))}
    rows, origins, skipped = [], [], 0
    for record in records:
        partner, day = stored.get((keys[record["Id"]] or "").upper()), _deleted_on(record)
        if partner is None or (partner.active_to is not None and partner.active_to <= day):
            skipped += 1
            continue
        rows.append({"partner_code": partner.code, "name": partner.name, "kind": partner.kind.value,
                     "territory": partner.territory, "active_from": partner.active_from.isoformat(),
                     "active_to": day.isoformat()})
        origins.append((mapping.sobject, record["Id"], {"partner_code": mapping.key_field,
                                                        "active_to": "SystemModstamp"}))
    present = frozenset(("partner_code", "name", "kind", "territory", "active_from", "active_to"))
    return Step("partner_endings", "partners", rows, origins, present), skipped


def _frame(layout: layouts.Layout, rows: list[dict]) -> pl.DataFrame:
    data = {ROW: list(range(FIRST_ROW, FIRST_ROW + len(rows)))}
    data.update({name: [row.get(name) for row in rows] for name in layout.names})
    return pl.DataFrame(data, schema={ROW: pl.Int64, **{name: pl.String for name in layout.names}})


def _problems(step: Step, log: ProblemLog) -> list[dict]:
    """Return the step's problems as (object, record id, field, value, message) entries."""
    found = []
    for problem in log.problems(step.name):
        index = problem.row - FIRST_ROW
        sobject, record_id, fields = step.origins[index] if 0 <= index < len(step.origins) else ("", "", {})
        found.append({"object": sobject, "record_id": record_id, "field": fields.get(problem.column, ""),
                      "mandato_field": problem.column, "value": problem.value, "code": problem.code,
                      "params": problem.params, "message": message_text(problem.code, problem.params),
                      "severity": problem.severity})
    return found


def examine(session: Session, step: Step) -> tuple[Plan | None, Outcome]:
    """Validate and match the step's rows; write nothing."""
    if not step.rows:
        return None, Outcome()
    frame = _frame(layouts.get(step.source), step.rows)
    examination = recording.check_and_match(session, step.source, frame, step.present)
    plan = examination.plan
    return plan, Outcome(plan.counts if plan else Counts(), _problems(step, examination.log))


def write(session: Session, step: Step, plan: Plan, batch, user) -> None:
    """Write a matched step with the sync's import batch."""
    sources.get(step.source).write(session, plan, batch, user, None)
    session.flush()
