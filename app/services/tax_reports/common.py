"""What the tax reports share: exact sums in SQL, the partners and fiscal profiles of a report, its columns.

Sums are taken in SQL as integer cents (each stored amount times 100, rounded, cast to an integer), so they are
exact on PostgreSQL and on SQLite alike, where NUMERIC values are kept as floating point.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger
from sqlalchemy import cast
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import FiscalProfile
from app.models import Partner
from calc.money import from_cents
from calc.tax.parameters import ENASARCO_YEARS

MONEY = "money"
TEXT = "text"
DATE = "date"
COUNT = "count"


@dataclass(frozen=True)
class Column:
    """A column of a report: the attribute of its rows and how to show or export the value."""

    key: str
    kind: str = MONEY


def report_years() -> list[int]:
    """Return the years whose ENASARCO figures are known, so their reports can be computed."""
    return sorted(row.year for row in ENASARCO_YEARS)


def cents_sum(column):
    """Return the SQL sum of a money column in integer cents."""
    return func.coalesce(func.sum(cast(func.round(column * 100), BigInteger)), 0)


def amount(cents) -> Decimal:
    """Return a cents sum read from the database as a Decimal amount."""
    return from_cents(int(cents or 0))


def partners(session: Session, ids) -> dict[int, Partner]:
    """Return the partners of ``ids`` by id, in one query."""
    ids = set(ids)
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Partner).where(Partner.id.in_(ids)))}


def profiles(session: Session, ids) -> dict[int, list[FiscalProfile]]:
    """Return every fiscal profile of the partners of ``ids``, oldest first, in one query."""
    found: dict[int, list[FiscalProfile]] = {partner_id: [] for partner_id in ids}
    if not found:
        return found
    rows = session.scalars(select(FiscalProfile).where(FiscalProfile.partner_id.in_(found))
                           .order_by(FiscalProfile.partner_id, FiscalProfile.valid_from))
    for profile in rows:
        found[profile.partner_id].append(profile)
    return found


def profile_on(history: list[FiscalProfile], partner: Partner, on: date) -> FiscalProfile | None:
    """Return the profile in force on ``on``, or on the partner's last active day when it ended before."""
    if partner.active_to is not None and partner.active_to < on:
        on = partner.active_to
    current = None
    for profile in history:
        if profile.valid_from <= on and (profile.valid_to is None or profile.valid_to > on):
            current = profile
    return current


def mandate_of(profile: FiscalProfile | None) -> str:
    """Return how the report names the partner's ENASARCO position: mono_firm, multi_firm, company or none."""
    if profile is None:
        return "none"
    if profile.enasarco.value != "none" and profile.legal_form.value == "company":
        return "company"
    return profile.enasarco.value
