"""Commission plans in the database: import, validate and export YAML documents, publish versions, assign them.

A plan version is immutable once published: runs point at it, so a change is a new version. Importing the same
document twice changes nothing (matched by plan code, version and sha256).
"""

import hashlib
from datetime import UTC
from datetime import date
from datetime import datetime

import yaml
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.plan import PartnerGroupMember
from app.models.plan import Plan
from app.models.plan import PlanAssignment
from app.models.plan import PlanStatus
from app.models.plan import PlanVersion
from app.services import audit
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


def group_members(session: Session) -> dict[int, list[str]]:
    """Return each partner's explicit groups."""
    members: dict[int, list[str]] = {}
    for group, partner_id in session.execute(select(PartnerGroupMember.partner_group, PartnerGroupMember.partner_id)):
        members.setdefault(partner_id, []).append(group)
    return members
