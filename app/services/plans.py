"""Commission plans in the database: import, validate and export YAML documents, publish versions, assign them.

A plan version is immutable once published: runs point at it, so a change is a new version. Importing the same
document twice changes nothing (matched by plan code, version and sha256).

The plan pages use the verbs below the import/export ones: ``save_draft`` (a new plan, the next version, or a
change to the draft), ``publish`` (a published version a new one follows ends where the new one starts, so two
versions of a plan never apply on the same day), ``end_assignment``, and read-only helpers (``search``,
``assignments_of``, ``runs_using``, ``diff``). Every change is audited in the caller's transaction.
"""

import difflib
import hashlib
import re
from dataclasses import dataclass
from dataclasses import replace
from datetime import UTC
from datetime import date
from datetime import datetime

import yaml
from sqlalchemy import Select
from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from app.models.partner import Partner
from app.models.partner import PartnerKind
from app.models.plan import PartnerGroupMember
from app.models.plan import Plan
from app.models.plan import PlanAssignment
from app.models.plan import PlanStatus
from app.models.plan import PlanVersion
from app.models.run import CalculationRun
from app.models.run import CommissionLine
from app.models.run import CommissionPeriod
from app.services import audit
from calc.inputs import first_of_month
from calc.plan import Plan as PlanDocument
from calc.plan import PlanError
from calc.plan import plan_from_dict
from calc.plan import plan_to_dict


def parse_yaml(text: str) -> PlanDocument:
    """Read a YAML plan document; raise PlanError with the line of a syntax error or the path of a bad value."""
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        raise PlanError(f"{where}: {exc.problem}") from exc
    if not isinstance(data, dict):
        raise PlanError("plan: the document must be a mapping (plan_id, version, name, valid_from, components)")
    return plan_from_dict(_stringify_dates(data))


def _stringify_dates(value):
    """YAML turns 2026-01-01 into a date; the plan codec reads ISO text, so give it text back."""
    if isinstance(value, dict):
        return {k: _stringify_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringify_dates(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_yaml(document: PlanDocument) -> str:
    """Return the plan as YAML with every amount and rate quoted, so it reads back exactly."""
    return yaml.safe_dump(plan_to_dict(document), sort_keys=False, allow_unicode=True, width=110)


def import_yaml(session: Session, user, text: str, publish: bool = False) -> tuple[PlanVersion, bool]:
    """Store a plan version from YAML; return it and whether anything changed."""
    document = parse_yaml(text)
    canonical = plan_to_dict(document)
    digest = hashlib.sha256(to_yaml(document).encode()).hexdigest()
    plan = session.scalar(select(Plan).where(Plan.code == document.plan_id))
    if plan is None:
        plan = Plan(code=document.plan_id, name=document.name)
        session.add(plan)
        session.flush()
    existing = session.scalar(select(PlanVersion).where(
        PlanVersion.plan_id == plan.id, PlanVersion.version == document.version))
    if existing is not None and existing.sha256 == digest:
        if publish and existing.status == PlanStatus.DRAFT:
            publish_version(session, user, existing)
            return existing, True
        return existing, False
    if existing is not None and existing.status != PlanStatus.DRAFT:
        raise PlanError(f"version: {document.plan_id} v{document.version} is published and cannot change; "
                        f"import it as version {_next_version(session, plan)}")
    version = existing or PlanVersion(plan_id=plan.id, version=document.version, created_by=getattr(user, "id", None))
    version.valid_from, version.valid_to = document.valid_from, document.valid_to
    version.document, version.source_yaml, version.sha256 = canonical, text, digest
    plan.name = document.name
    session.add(version)
    session.flush()
    audit.record(session, user, "plan.imported", "plan_version", version.id,
                 after={"plan": plan.code, "version": version.version, "sha256": digest})
    if publish:
        publish_version(session, user, version)
    return version, True


def _next_version(session: Session, plan: Plan) -> int:
    versions = session.scalars(select(PlanVersion.version).where(PlanVersion.plan_id == plan.id)).all()
    return max(versions, default=0) + 1


def publish_version(session: Session, user, version: PlanVersion) -> None:
    """Make a draft version usable by runs; it never changes again."""
    if version.status != PlanStatus.DRAFT:
        raise PlanError(f"version: v{version.version} is already {version.status.value}")
    version.status = PlanStatus.PUBLISHED
    version.published_by = getattr(user, "id", None)
    version.published_at = datetime.now(UTC)
    audit.record(session, user, "plan.published", "plan_version", version.id,
                 after={"plan": version.plan.code, "version": version.version})


def document_of(version: PlanVersion) -> PlanDocument:
    """Return the calc engine's plan for a stored version."""
    return plan_from_dict(version.document)


def export_yaml(session: Session, code: str, version: int | None = None) -> str:
    """Return the YAML of a plan version (the latest when ``version`` is None)."""
    query = select(PlanVersion).join(Plan).where(Plan.code == code)
    query = query.where(PlanVersion.version == version) if version else query.order_by(PlanVersion.version.desc())
    stored = session.scalars(query).first()
    if stored is None:
        raise PlanError(f"plan: no plan {code!r}" + (f" version {version}" if version else ""))
    return to_yaml(document_of(stored))


def assign(session: Session, user, plan: Plan, valid_from: date, *, partner_id: int | None = None,
           group: str | None = None, valid_to: date | None = None) -> PlanAssignment:
    """Assign ``plan`` to a partner or a partner group over a date range."""
    if (partner_id is None) == (group is None):
        raise PlanError("assignment: name a partner or a group, not both")
    if valid_to is not None and valid_to <= valid_from:
        raise PlanError("assignment.valid_to: must be after valid_from")
    assignment = PlanAssignment(plan_id=plan.id, partner_id=partner_id, partner_group=group,
                                valid_from=valid_from, valid_to=valid_to)
    session.add(assignment)
    session.flush()
    audit.record(session, user, "plan.assigned", "plan", plan.id, after={
        "partner_id": partner_id, "group": group, "valid_from": valid_from, "valid_to": valid_to})
    return assignment


def published_versions(session: Session, first: date, end: date) -> list[PlanVersion]:
    """Return the published versions in force at some point of [first, end)."""
    return list(session.scalars(select(PlanVersion).where(
        PlanVersion.status == PlanStatus.PUBLISHED, PlanVersion.valid_from < end,
        or_(PlanVersion.valid_to.is_(None), PlanVersion.valid_to > first),
    ).order_by(PlanVersion.plan_id, PlanVersion.version)))


# --- Editing plans from the pages: drafts, publishing, assignments, diffs -------------------------------------

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")


def latest_version(session: Session, plan: Plan) -> PlanVersion | None:
    """Return the plan's highest version."""
    return session.scalar(select(PlanVersion).where(PlanVersion.plan_id == plan.id)
                          .order_by(PlanVersion.version.desc()).limit(1))


def save_draft(session: Session, user, text: str, *, plan_code: str | None = None,
               new_plan: bool = False) -> PlanVersion:
    """Store ``text`` as a draft: a new plan, the next version of ``plan_code``, or a change to its draft."""
    check_draft(session, parse_yaml(text), plan_code=plan_code, new_plan=new_plan)
    version, _changed = import_yaml(session, user, text)
    return version


def check_draft(session: Session, document: PlanDocument, *, plan_code: str | None = None,
                new_plan: bool = False) -> None:
    """Raise PlanError unless ``document`` can be saved as a draft (see ``save_draft``)."""
    if not CODE_PATTERN.match(document.plan_id):
        raise PlanError("plan_id: use letters, digits, '.', '_' or '-' (at most 60 characters)")
    if len(document.name) > 200:
        raise PlanError("name: at most 200 characters")
    if plan_code is not None and document.plan_id != plan_code:
        raise PlanError(f"plan_id: this page changes plan {plan_code!r}; another plan_id would make another plan")
    plan = session.scalar(select(Plan).where(Plan.code == document.plan_id))
    if plan is not None and new_plan:
        raise PlanError(f"plan_id: plan {document.plan_id!r} already exists: add a version from its page")
    if plan is not None:
        _check_version_number(session, plan, document.version)


def _check_version_number(session: Session, plan: Plan, number: int) -> None:
    stored = session.scalar(select(PlanVersion).where(PlanVersion.plan_id == plan.id, PlanVersion.version == number))
    following = _next_version(session, plan)
    if stored is not None and stored.status != PlanStatus.DRAFT:
        raise PlanError(f"version: {plan.code} v{number} is {stored.status.value} and cannot change; "
                        f"number the change as version {following}")
    if stored is None and number != following:
        raise PlanError(f"version: the next version of {plan.code} is {following}")


def publish(session: Session, user, version: PlanVersion) -> list[PlanVersion]:
    """Publish a draft; the published version it follows ends where it starts. Return the versions ended."""
    if version.status != PlanStatus.DRAFT:
        raise PlanError(f"version: v{version.version} is already {version.status.value}")
    ended = []
    for other in _overlapping(session, version):
        starts_after = version.valid_from > other.valid_from
        covers_rest = version.valid_to is None or (other.valid_to is not None and other.valid_to <= version.valid_to)
        if not (starts_after and covers_rest):
            raise PlanError(f"valid_from: overlaps the published v{other.version} ({other.valid_from.isoformat()}"
                            f" → {other.valid_to.isoformat() if other.valid_to else '…'}); a new version must "
                            "start after it and run at least as long")
        audit.record(session, user, "plan.version_ended", "plan_version", other.id,
                     before={"valid_to": other.valid_to}, after={"valid_to": version.valid_from,
                                                                 "superseded_by": version.version})
        other.valid_to = version.valid_from
        ended.append(other)
    session.flush()
    publish_version(session, user, version)
    return ended


def _overlapping(session: Session, version: PlanVersion) -> list[PlanVersion]:
    query = select(PlanVersion).where(
        PlanVersion.plan_id == version.plan_id, PlanVersion.id != version.id,
        PlanVersion.status == PlanStatus.PUBLISHED,
        or_(PlanVersion.valid_to.is_(None), PlanVersion.valid_to > version.valid_from))
    if version.valid_to is not None:
        query = query.where(PlanVersion.valid_from < version.valid_to)
    return list(session.scalars(query.order_by(PlanVersion.version)))


def next_draft_text(version: PlanVersion, following: int, today: date) -> str:
    """Return the YAML of ``version`` renumbered as ``following``, from the next month (a starting point)."""
    start = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    start = max(start, date(version.valid_from.year + version.valid_from.month // 12,
                            version.valid_from.month % 12 + 1, 1))
    text, numbered = re.subn(r"(?m)^version:[ \t]*\d+(?=[ \t]*(#.*)?$)", f"version: {following}",
                             version.source_yaml, count=1)
    text, dated = re.subn(r"(?m)^valid_from:[ \t]*(['\"]?)[\d-]+\1(?=[ \t]*(#.*)?$)",
                          f"valid_from: {start.isoformat()}", text, count=1)
    if not (numbered and dated):  # not written the usual way: start from the canonical YAML instead
        return to_yaml(replace(document_of(version), version=following, valid_from=start))
    return text


def end_assignment(session: Session, user, assignment: PlanAssignment, valid_to: date) -> None:
    """End an assignment on ``valid_to`` (exclusive): the plan no longer applies from that day."""
    if valid_to <= assignment.valid_from:
        raise PlanError(f"assignment.valid_to: must be after {assignment.valid_from.isoformat()}")
    if assignment.valid_to is not None and valid_to >= assignment.valid_to:
        raise PlanError(f"assignment.valid_to: it already ends on {assignment.valid_to.isoformat()}")
    before = {"valid_to": assignment.valid_to}
    assignment.valid_to = valid_to
    audit.record(session, user, "plan.assignment_ended", "plan", assignment.plan_id, before=before,
                 after={"assignment": assignment.id, "valid_to": valid_to})


def search(q: str | None = None) -> Select:
    """Return a query for plans whose code or name contains ``q``, by code."""
    query = select(Plan).options(selectinload(Plan.versions))
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(or_(Plan.code.ilike(pattern), Plan.name.ilike(pattern)))
    return query.order_by(Plan.code)


def assignment_counts(session: Session, plan_ids: list[int], today: date) -> dict[int, tuple[int, int]]:
    """Return, per plan, (assignments in force on ``today``, all assignments)."""
    in_force = and_(PlanAssignment.valid_from <= today,
                    or_(PlanAssignment.valid_to.is_(None), PlanAssignment.valid_to > today))
    rows = session.execute(
        select(PlanAssignment.plan_id, func.count(), func.sum(case((in_force, 1), else_=0)))
        .where(PlanAssignment.plan_id.in_(plan_ids)).group_by(PlanAssignment.plan_id))
    return {plan_id: (int(current or 0), int(total)) for plan_id, total, current in rows}


def assignments_of(session: Session, plan: Plan) -> list[tuple[PlanAssignment, Partner | None]]:
    """Return the plan's assignments with their partner (None for groups), newest first."""
    query = (select(PlanAssignment, Partner).outerjoin(Partner, Partner.id == PlanAssignment.partner_id)
             .where(PlanAssignment.plan_id == plan.id)
             .order_by(PlanAssignment.valid_from.desc(), PlanAssignment.id.desc()))
    return [(assignment, partner) for assignment, partner in session.execute(query)]


def group_names(session: Session) -> list[str]:
    """Return the groups a plan can be assigned to: every partner kind, then the explicit groups."""
    explicit = session.scalars(select(PartnerGroupMember.partner_group).distinct()
                               .order_by(PartnerGroupMember.partner_group)).all()
    kinds = [kind.value for kind in PartnerKind]
    return kinds + [name for name in explicit if name not in kinds]


def runs_using(session: Session, version: PlanVersion) -> list[CalculationRun]:
    """Return the runs with lines computed under ``version``, newest period first."""
    used = exists().where(CommissionLine.run_id == CalculationRun.id,
                          CommissionLine.plan_code == version.plan.code,
                          CommissionLine.plan_version == version.version)
    query = (select(CalculationRun).join(CommissionPeriod, CommissionPeriod.id == CalculationRun.period_id)
             .where(CommissionPeriod.month >= first_of_month(version.valid_from), used)
             .options(selectinload(CalculationRun.period))
             .order_by(CommissionPeriod.month.desc(), CalculationRun.version.desc()))
    return list(session.scalars(query))


@dataclass(frozen=True)
class DiffRow:
    """One row of a side-by-side diff: ``tag`` is equal, delete, insert or replace."""

    tag: str
    left_number: int | None
    left: str | None
    right_number: int | None
    right: str | None


def diff(old: str, new: str) -> list[DiffRow]:
    """Return the side-by-side line diff of two YAML texts."""
    left, right = old.splitlines(), new.splitlines()
    rows = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=left, b=right, autojunk=False).get_opcodes():
        for offset in range(max(i2 - i1, j2 - j1)):
            i, j = i1 + offset, j1 + offset
            rows.append(DiffRow(tag, i + 1 if i < i2 else None, left[i] if i < i2 else None,
                                j + 1 if j < j2 else None, right[j] if j < j2 else None))
    return rows
