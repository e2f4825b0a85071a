"""Partners and hierarchy: each row is a partner's details, its parent from a date and its fiscal profile from
a date.

- Details: a new code adds a partner; a known one is updated in place for the columns the file has, with the
  values before and after in the audit log.
- Hierarchy: ``parent_code`` + ``parent_valid_from`` give the partner that parent from that day, closing the
  link in force (the same move as the network page, :func:`app.services.network.move_partner`). The moves are
  tried first on an in-memory copy of the links, in file order, so a file that would make a cycle, put a
  partner under itself or change a parent before a later change is refused before anything is written.
- Fiscal profile: a profile from ``fiscal_valid_from`` closes the one in force; refused when a later profile
  exists. The same parent or profile on that day is unchanged.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import FiscalProfile
from app.models import Partner
from app.models import PartnerKind
from app.models import PartnerLink
from app.models.partner import EnasarcoMandate
from app.models.partner import FiscalCategory
from app.models.partner import LegalForm
from app.models.partner import VatRegime
from app.services import audit
from app.services import network
from app.services.imports import layouts
from app.services.imports.matching import CHANGED
from app.services.imports.matching import NEW
from app.services.imports.matching import UNCHANGED
from app.services.imports.matching import Counts
from app.services.imports.problems import ProblemLog
from app.services.imports.readers import ROW
from app.services.imports.sources import Plan

LAYOUT = layouts.PARTNERS
DETAILS = ("name", "kind", "territory", "vat_number", "fiscal_code", "address", "city", "province", "postcode",
           "iban", "email", "phone", "active_from", "active_to")
PROFILE = {"fiscal_category": FiscalCategory, "legal_form": LegalForm, "vat_regime": VatRegime,
           "enasarco": EnasarcoMandate}


@dataclass
class Link:
    """A parent link by partner codes; ``valid_to`` exclusive, open when None."""

    child: str
    parent: str
    valid_from: date
    valid_to: date | None = None

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


class Hierarchy:
    """The links of the network by code, to try a file's changes of parent before writing them."""

    def __init__(self, session: Session) -> None:
        codes = dict(session.execute(select(Partner.id, Partner.code)).all())
        self.links = [Link(codes[link.partner_id], codes[link.parent_id], link.valid_from, link.valid_to)
                      for link in session.scalars(select(PartnerLink))]

    def parent_on(self, child: str, day: date) -> str | None:
        return next((link.parent for link in self.links if link.child == child and link.valid_on(day)), None)

    def downline(self, code: str, day: date) -> set[str]:
        below, frontier = set(), {code}
        while frontier:
            frontier = {link.child for link in self.links if link.parent in frontier and link.valid_on(day)} - below
            below |= frontier
        return below

    def refusal(self, child: str, parent: str, day: date) -> tuple[str, dict] | None:
        """Return (code, params) when giving ``child`` the parent ``parent`` from ``day`` is refused."""
        if parent == child:
            return "own_parent", {}
        if parent in self.downline(child, day):
            return "parent_cycle", {"day": day.isoformat()}
        later = [link.valid_from for link in self.links if link.child == child and link.valid_from > day]
        if later:
            return "later_parent", {"day": min(later).isoformat()}
        return None

    def move(self, child: str, parent: str, day: date) -> None:
        """Apply the change of parent (already checked) to the in-memory links."""
        current = next((link for link in self.links if link.child == child and link.valid_on(day)), None)
        if current is not None:
            if current.valid_from == day:
                self.links.remove(current)
            else:
                current.valid_to = day
        self.links.append(Link(child, parent, day))


def _moves(session: Session, rows: pl.DataFrame) -> tuple[list[tuple[int, str, str, date]], list[tuple]]:
    """Return the changes of parent the file makes, in order, and the refused ones."""
    hierarchy, moves, refused = Hierarchy(session), [], []
    for row in rows.filter(pl.col("parent_code").is_not_null() & pl.col("parent_valid_from").is_not_null()
                           & pl.col("partner_code").is_not_null()).iter_rows(named=True):
        child, parent, day = row["partner_code"], row["parent_code"], row["parent_valid_from"]
        if hierarchy.parent_on(child, day) == parent:
            continue
        problem = hierarchy.refusal(child, parent, day)
        if problem:
            refused.append((row[ROW], parent, *problem))
            continue
        hierarchy.move(child, parent, day)
        moves.append((row[ROW], child, parent, day))
    return moves, refused


def _profiles(session: Session, codes: list[str]) -> dict[str, list[FiscalProfile]]:
    found: dict[str, list[FiscalProfile]] = {}
    query = select(Partner.code, FiscalProfile).join(FiscalProfile, FiscalProfile.partner_id == Partner.id)
    for code, profile in session.execute(query.where(Partner.code.in_(codes))).all():
        found.setdefault(code, []).append(profile)
    return found


def _profile_values(row: dict) -> dict:
    rate = row["enasarco_rate_override"]
    return {**{name: enum(row[name]) for name, enum in PROFILE.items()},
            "reduced_withholding_base": bool(row["reduced_withholding_base"]),
            "enasarco_rate_override": None if rate is None else Decimal(rate).scaleb(-6)}


def _profile_change(profiles: list[FiscalProfile], row: dict) -> tuple[str, tuple | None]:
    """Return (outcome, refusal) of the fiscal profile of ``row`` against the partner's profiles."""
    day = row["fiscal_valid_from"]
    if day is None or row["fiscal_category"] is None:
        return UNCHANGED, None
    values = _profile_values(row)
    in_force = next((p for p in profiles if p.valid_from <= day and (p.valid_to is None or day < p.valid_to)), None)
    if in_force is not None and all(_same(getattr(in_force, name), value) for name, value in values.items()):
        return UNCHANGED, None
    later = [p.valid_from for p in profiles if p.valid_from > day]
    if later:
        return CHANGED, ("later_fiscal_profile", {"day": min(later).isoformat()})
    return CHANGED, None


def _same(stored, value) -> bool:
    if isinstance(value, Decimal) and stored is not None:
        return Decimal(stored) == value
    return stored == value


def check(session: Session, rows: pl.DataFrame, log: ProblemLog) -> None:
    """Report unknown parents, refused changes of parent and refused fiscal profiles."""
    known = set(session.scalars(select(Partner.code))) | set(rows.get_column("partner_code").drop_nulls().to_list())
    unknown = rows.filter(pl.col("parent_code").is_not_null() & ~pl.col("parent_code").is_in(list(known)))
    log.add_rows(unknown.select(ROW, pl.col("parent_code").alias("value")), "parent_code", "unknown_partner")
    _accepted, refused = _moves(session, rows.filter(~pl.col(ROW).is_in(unknown.get_column(ROW).to_list())))
    for row, parent, code, params in refused:
        log.add(row, "parent_code", parent, code, params)
    profiles = _profiles(session, rows.get_column("partner_code").drop_nulls().to_list())
    for row in rows.filter(pl.col("fiscal_valid_from").is_not_null()).iter_rows(named=True):
        _outcome, refusal = _profile_change(profiles.get(row["partner_code"], []), row)
        if refusal:
            log.add(row[ROW], "fiscal_valid_from", row["fiscal_valid_from"].isoformat(), *refusal)


def _details(row: dict, present: frozenset[str]) -> dict:
    values = {name: row[name] for name in DETAILS if name in present}
    values["kind"] = PartnerKind(row["kind"])
    if values.get("province"):
        values["province"] = values["province"].upper()
    return values


def match(session: Session, rows: pl.DataFrame, log: ProblemLog, present: frozenset[str]) -> Plan:
    """Work out, per row, whether the partner is new or changes its details, parent or fiscal profile."""
    stored = {p.code: p for p in session.scalars(select(Partner))}
    moves, _refused = _moves(session, rows)
    moved_rows = {row for row, *_move in moves}
    profiles = _profiles(session, list(stored))
    outcomes, profile_rows = [], []
    for row in rows.iter_rows(named=True):
        partner = stored.get(row["partner_code"])
        profile_outcome, _refusal = _profile_change(profiles.get(row["partner_code"], []), row)
        if profile_outcome == CHANGED:
            profile_rows.append(row)
        if partner is None:
            outcomes.append(NEW)
            continue
        details = _details(row, present)
        changed = any(getattr(partner, name) != value for name, value in details.items())
        outcomes.append(CHANGED if changed or row[ROW] in moved_rows or profile_outcome == CHANGED else UNCHANGED)
    counts = Counts(outcomes.count(NEW), outcomes.count(CHANGED), outcomes.count(UNCHANGED))
    return Plan(counts, {"rows": rows.to_dicts(), "present": present, "moves": moves, "profiles": profile_rows})


def write(session: Session, plan: Plan, batch, user, progress=None) -> None:
    """Write the partners' details, then the changes of parent in file order, then the fiscal profiles."""
    stored = {p.code: p for p in session.scalars(select(Partner))}
    for row in plan.data["rows"]:
        details = _details(row, plan.data["present"])
        partner = stored.get(row["partner_code"])
        if partner is None:
            stored[row["partner_code"]] = partner = Partner(code=row["partner_code"], **details)
            session.add(partner)
            session.flush()
            audit.record(session, user, "partner.imported", "partner", partner.id, after={"code": partner.code})
            continue
        before, after = audit.changes(partner, list(details), details)
        if after:
            for name in after:
                setattr(partner, name, details[name])
            audit.record(session, user, "partner.imported_change", "partner", partner.id, before=before, after=after)
    session.flush()
    for _row, child, parent, day in plan.data["moves"]:
        network.move_partner(session, user, stored[child].id, stored[parent].id, day)
    for row in plan.data["profiles"]:
        _write_profile(session, user, stored[row["partner_code"]], row)
    session.flush()


def _write_profile(session: Session, user, partner: Partner, row: dict) -> None:
    day, values = row["fiscal_valid_from"], _profile_values(row)
    in_force = session.scalar(select(FiscalProfile).where(
        FiscalProfile.partner_id == partner.id, FiscalProfile.valid_from <= day,
        (FiscalProfile.valid_to.is_(None)) | (FiscalProfile.valid_to > day)))
    if in_force is not None and in_force.valid_from == day:
        before, after = audit.changes(in_force, list(values), values)
        for name, value in values.items():
            setattr(in_force, name, value)
        audit.record(session, user, "fiscal_profile.imported_change", "partner", partner.id, before=before, after=after)
        return
    if in_force is not None:
        in_force.valid_to = day
    session.add(FiscalProfile(partner_id=partner.id, valid_from=day, **values))
    audit.record(session, user, "fiscal_profile.imported", "partner", partner.id,
                 after={"valid_from": day, **values})
