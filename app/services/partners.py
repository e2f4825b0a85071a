"""Partner queries and edits for the network browser."""

from datetime import date

from sqlalchemy import Select
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import FiscalProfile
from app.models import Partner
from app.models import PartnerKind
from app.services import audit

EDITABLE_DETAILS = ["email", "phone", "address", "city", "postcode", "iban"]


def search(scope: set[int] | None, q: str | None = None, kind: str | None = None) -> Select:
    """Return a query for partners matching ``q`` (name, code, VAT number, fiscal code) and ``kind``."""
    query = select(Partner)
    if scope is not None:
        query = query.where(Partner.id.in_(scope))
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(or_(Partner.name.ilike(pattern), Partner.code.ilike(pattern),
                                Partner.vat_number.ilike(pattern), Partner.fiscal_code.ilike(pattern)))
    if kind:
        query = query.where(Partner.kind == PartnerKind(kind))
    return query.order_by(Partner.name, Partner.id)


def by_code(session: Session, code: str) -> Partner | None:
    """Return the partner with ``code``, ignoring case and spaces."""
    return session.scalar(select(Partner).where(Partner.code == code.strip().upper()))


def fiscal_profile_on(session: Session, partner_id: int, as_of: date) -> FiscalProfile | None:
    """Return the fiscal profile in force on ``as_of``."""
    return session.scalar(
        select(FiscalProfile).where(
            FiscalProfile.partner_id == partner_id,
            FiscalProfile.valid_from <= as_of,
            or_(FiscalProfile.valid_to.is_(None), FiscalProfile.valid_to > as_of),
        )
    )


def update_details(session: Session, user, partner: Partner, values: dict) -> bool:
    """Apply contact and payment details; return True when anything changed."""
    clean = {field: (values.get(field) or None) for field in EDITABLE_DETAILS}
    if clean.get("iban"):
        clean["iban"] = clean["iban"].replace(" ", "").upper()
    before, after = audit.changes(partner, EDITABLE_DETAILS, clean)
    if not after:
        return False
    for field in after:
        setattr(partner, field, clean[field])
    audit.record(session, user, "partner.details_changed", "partner", partner.id, before=before, after=after)
    return True
