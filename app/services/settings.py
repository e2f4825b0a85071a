"""Dated company settings: each key has values from dates on; a change applies from its date only.

Defaults are declared here once, so a fresh installation behaves sensibly and every setting a user can change is
listed in one place.
"""

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.settings import CompanySetting
from app.services import audit

DEFAULTS: dict[str, object] = {
    "principal_split_payment": False,
    "stamp_rebilled": True,
    "enasarco_payment_reason": "ZO",
    "dispute_window_days": 10,
    "resolution_sla_days": 5,
    "payment_terms_days": 30,
    # The principal's SAP company code (BUKRS) the accounting export writes (app.services.accounting_export).
    "company_code": "",
    # The principal's registry data (app.services.principal): empty until the company sets it.
    "principal_name": "",
    "principal_vat_number": "",
    "principal_fiscal_code": "",
    "principal_address": "",
    "principal_postcode": "",
    "principal_city": "",
    "principal_province": "",
    "principal_rea": "",
    "principal_sdi_code": "",
    "principal_email": "",
    "principal_iban": "",
}
# The shape a setting's value must have where its type is not enough: (pattern, what it says to the user).
FORMATS: dict[str, tuple[str, str]] = {
    "company_code": (r"^[A-Z0-9]{4}\Z", "4 letters or digits, upper case, e.g. IT01"),
}


class SettingError(ValueError):
    """An unknown setting, or a value of the wrong type or shape."""


def value_on(session: Session, key: str, on: date):
    """Return the value of ``key`` in force on ``on`` (the default when never set)."""
    if key not in DEFAULTS:
        raise SettingError(f"unknown setting {key!r}")
    row = session.scalar(select(CompanySetting).where(CompanySetting.key == key, CompanySetting.valid_from <= on)
                         .order_by(CompanySetting.valid_from.desc()).limit(1))
    return DEFAULTS[key] if row is None else row.value


def history(session: Session, key: str) -> list[CompanySetting]:
    """Return every dated value of ``key``, oldest first."""
    return list(session.scalars(select(CompanySetting).where(CompanySetting.key == key)
                                .order_by(CompanySetting.valid_from)))


def set_value(session: Session, user, key: str, valid_from: date, value) -> CompanySetting:
    """Give ``key`` a new value from ``valid_from`` on (replacing a value set for the same day)."""
    if key not in DEFAULTS:
        raise SettingError(f"unknown setting {key!r}")
    if type(value) is not type(DEFAULTS[key]):
        raise SettingError(f"{key}: expected {type(DEFAULTS[key]).__name__}, got {value!r}")
    if key in FORMATS and not re.match(FORMATS[key][0], value):
        raise SettingError(f"{key}: {value!r} is not {FORMATS[key][1]}")
    before = value_on(session, key, valid_from)
    row = session.scalar(select(CompanySetting).where(CompanySetting.key == key,
                                                      CompanySetting.valid_from == valid_from))
    if row is None:
        row = CompanySetting(key=key, valid_from=valid_from, value=value, changed_by=getattr(user, "id", None))
        session.add(row)
    else:
        row.value, row.changed_by = value, getattr(user, "id", None)
    session.flush()
    audit.record(session, user, "setting.changed", "company_setting", key,
                 before={"value": before}, after={"value": value, "valid_from": valid_from})
    return row
