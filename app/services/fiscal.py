"""Dated fiscal profiles: a change applies from its date only, and every profile is a case the tax rules know."""

from datetime import date
from decimal import Decimal

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import FiscalProfile
from app.models import Partner
from app.models.partner import EnasarcoMandate
from app.models.partner import FiscalCategory
from app.models.partner import LegalForm
from app.models.partner import VatRegime
from app.services import audit
from calc.tax import TaxError
from calc.tax import TaxProfile

PROFILE_FIELDS = ["fiscal_category", "legal_form", "vat_regime", "enasarco", "reduced_withholding_base",
                  "enasarco_rate_override"]


class FiscalProfileError(ValueError):
    """A profile the tax rules cannot compute, or a date that would rewrite history."""


def profile_on(session: Session, partner_id: int, as_of: date) -> FiscalProfile | None:
    """Return the profile in force on ``as_of``."""
    return session.scalar(select(FiscalProfile).where(
        FiscalProfile.partner_id == partner_id, FiscalProfile.valid_from <= as_of,
        or_(FiscalProfile.valid_to.is_(None), FiscalProfile.valid_to > as_of)))


def tax_profile(profile: FiscalProfile, principal_split_payment: bool = False) -> TaxProfile:
    """Return the tax API's view of a stored profile."""
    return TaxProfile(
        partner_kind=profile.fiscal_category.value, legal_form=profile.legal_form.value,
        vat_regime=profile.vat_regime.value, enasarco=profile.enasarco.value,
        reduced_withholding_base=bool(profile.reduced_withholding_base),
        principal_split_payment=principal_split_payment,
    )


def _checked(values: dict) -> dict:
    clean = {
        "fiscal_category": FiscalCategory(values["fiscal_category"]),
        "legal_form": LegalForm(values["legal_form"]),
        "vat_regime": VatRegime(values["vat_regime"]),
        "enasarco": EnasarcoMandate(values["enasarco"]),
        "reduced_withholding_base": bool(values.get("reduced_withholding_base")),
        "enasarco_rate_override": values.get("enasarco_rate_override") or None,
    }
    if clean["enasarco_rate_override"] is not None and not isinstance(clean["enasarco_rate_override"], Decimal):
        raise FiscalProfileError("enasarco_rate_override: a Decimal rate is required")
    try:
        tax_profile(FiscalProfile(**clean))
    except TaxError as exc:
        raise FiscalProfileError(str(exc)) from exc
    return clean


def change_profile(session: Session, user, partner: Partner, valid_from: date, values: dict) -> FiscalProfile:
    """Give ``partner`` a new fiscal profile from ``valid_from``; the previous one ends the day before."""
    clean = _checked(values)
    later = session.scalar(select(FiscalProfile).where(
        FiscalProfile.partner_id == partner.id, FiscalProfile.valid_from > valid_from))
    if later is not None:
        raise FiscalProfileError(
            f"a later profile starts on {later.valid_from.isoformat()}: a change cannot be inserted before it")
    current = profile_on(session, partner.id, valid_from)
    before = {field: getattr(current, field) for field in PROFILE_FIELDS} if current else None
    if current is not None and current.valid_from == valid_from:
        session.delete(current)
        session.flush()
    elif current is not None:
        current.valid_to = valid_from
    profile = FiscalProfile(partner_id=partner.id, valid_from=valid_from, **clean)
    session.add(profile)
    session.flush()
    audit.record(session, user, "fiscal_profile.changed", "partner", partner.id,
                 before=before, after={**clean, "valid_from": valid_from})
    return profile
