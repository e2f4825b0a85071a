"""The principal (mandante): the utility that pays the network, as printed on pro-forma invoices and statements.

Its registry data is kept as dated company settings (``principal_name``, ``principal_vat_number`` …, see
``app.services.settings``), so a new address or a new SDI code applies to the documents dated from the day it
takes effect while the documents issued before keep what they printed. A fresh installation has no principal:
printing a document without its name, tax numbers or address fails with :class:`PrincipalMissing`, which names the
settings to fill in.
"""

from dataclasses import dataclass
from dataclasses import fields
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.settings import CompanySetting
from app.services import settings

PREFIX = "principal_"
# The registry fields, in the order they are printed and edited; each is the setting ``principal_<field>``.
REGISTRY_FIELDS = ("name", "vat_number", "fiscal_code", "address", "postcode", "city", "province", "rea",
                   "sdi_code", "email", "iban")
# What an invoice cannot be issued without: who the buyer is, its tax numbers and its registered office.
REQUIRED_FIELDS = ("name", "vat_number", "fiscal_code", "address", "postcode", "city", "province")
FIELD_NAMES = {"name": "name", "vat_number": "VAT number", "fiscal_code": "fiscal code", "address": "address",
               "postcode": "postcode", "city": "city", "province": "province", "rea": "REA number",
               "sdi_code": "SDI code", "email": "e-mail", "iban": "IBAN"}


def setting_key(field: str) -> str:
    """Return the company setting that holds the registry field ``field``."""
    return f"{PREFIX}{field}"


@dataclass(frozen=True)
class Principal:
    """The utility's registry data, as printed on a self-billed invoice."""

    name: str
    vat_number: str
    fiscal_code: str
    address: str
    postcode: str
    city: str
    province: str
    rea: str
    sdi_code: str
    email: str
    iban: str
    split_payment: bool

    @property
    def one_line_address(self) -> str:
        return f"{self.address}, {self.postcode} {self.city} ({self.province})"

    def registry(self) -> dict[str, str]:
        """Return the registry fields by name (everything but the split-payment flag)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name in REGISTRY_FIELDS}


class PrincipalMissing(LookupError):
    """The principal's registry data a document needs is not set for the document's date."""

    def __init__(self, day: date, missing: tuple[str, ...]):
        self.day, self.missing = day, missing
        names = ", ".join(f"{FIELD_NAMES[field]} ({setting_key(field)})" for field in missing)
        super().__init__(f"the principal's registry data in force on {day.isoformat()} lacks {names}: "
                         "an administrator or finance sets it on the settings page (Settings > Principal) "
                         "from a date up to the document's")


def values_on(session: Session, day: date) -> dict[str, str]:
    """Return the registry fields in force on ``day`` (empty strings for those never set), in one query."""
    keys = [setting_key(field) for field in REGISTRY_FIELDS]
    found: dict[str, object] = {}
    rows = session.execute(select(CompanySetting.key, CompanySetting.value)
                           .where(CompanySetting.key.in_(keys), CompanySetting.valid_from <= day)
                           .order_by(CompanySetting.valid_from))
    for key, value in rows:  # oldest first: the latest value on ``day`` wins
        found[key] = value
    return {field: str(found.get(setting_key(field), settings.DEFAULTS[setting_key(field)]))
            for field in REGISTRY_FIELDS}


def missing_on(session: Session, day: date) -> tuple[str, ...]:
    """Return the required registry fields that have no value on ``day``."""
    values = values_on(session, day)
    return tuple(field for field in REQUIRED_FIELDS if not values[field].strip())


def principal_on(session: Session, day: date) -> Principal:
    """Return the principal's registry data printed on documents of ``day``, or raise :class:`PrincipalMissing`."""
    values = values_on(session, day)
    missing = tuple(field for field in REQUIRED_FIELDS if not values[field].strip())
    if missing:
        raise PrincipalMissing(day, missing)
    return Principal(**values, split_payment=bool(settings.value_on(session, "principal_split_payment", day)))


def set_principal(session: Session, user, valid_from: date, values: dict[str, str]) -> list[str]:
    """Give the principal new registry data from ``valid_from`` on; return the settings that changed.

    Only the fields whose value differs from the one in force that day get a new dated value (each audited by
    ``settings.set_value``), so the history of each setting shows real changes only.
    """
    unknown = sorted(set(values) - set(REGISTRY_FIELDS))
    if unknown:
        raise settings.SettingError(f"not a registry field of the principal: {', '.join(unknown)}")
    current = values_on(session, valid_from)
    changed = []
    for field in REGISTRY_FIELDS:
        if field in values and values[field] != current[field]:
            settings.set_value(session, user, setting_key(field), valid_from, values[field])
            changed.append(setting_key(field))
    return changed
