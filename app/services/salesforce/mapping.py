"""The field mapping: which Salesforce field fills each field of a Mandato import layout, per object.

The connector feeds two import sources: ``partners`` (from Accounts) and ``contracts`` (from Contracts, or
Opportunities when the principal keeps supplies there). Each has a Salesforce object, an optional SOQL
condition (``Type = 'Partner'``) and one Salesforce field per layout field; a field can be a parent's
(``Account.Name``, read from the nested record Salesforce returns). A layout field left unmapped stays empty,
and a source that updates in place (partners) leaves it as it is.

Changing an object's mapping clears its watermark, so the next sync reads that object whole again and every
record is compared under the new mapping (rows that come out the same are unchanged, so this costs only the
reading).
"""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import SalesforceFieldMapping
from app.models import SalesforceObject
from app.services import audit
from app.services.imports import layouts
from workflows import clock

LOCAL = clock.COMPANY_TIME_ZONE
FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*){0,4}$")
OBJECT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
SF_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$")
TARGETS = ("partners", "contracts")
# The fields every query reads besides the mapped ones: the record id, whether it is deleted, when it changed.
SYSTEM_FIELDS = ("Id", "IsDeleted", "SystemModstamp")

DEFAULTS: dict[str, tuple[str, str | None, dict[str, str]]] = {
    "partners": ("Account", "Type = 'Partner'", {
        "partner_code": "Partner_Code__c", "name": "Name", "kind": "Partner_Kind__c", "territory": "BillingState",
        "vat_number": "VAT_Number__c", "fiscal_code": "Fiscal_Code__c", "address": "BillingStreet",
        "city": "BillingCity", "postcode": "BillingPostalCode", "email": "Email__c", "phone": "Phone",
        "active_from": "Mandate_Start__c", "active_to": "Mandate_End__c", "parent_code": "Parent.Partner_Code__c",
        "parent_valid_from": "Parent_Since__c",
    }),
    "contracts": ("Contract", None, {
        "contract_id": "ContractNumber", "customer_id": "AccountId", "customer_name": "Account.Name",
        "customer_fiscal_code": "Account.Fiscal_Code__c", "segment": "Account.Segment__c",
        "territory": "Account.BillingState", "city": "Account.BillingCity", "partner_code": "Agent_Code__c",
        "product_code": "Product_Code__c", "offer_code": "Offer_Code__c", "options": "Options__c",
        "supply_point": "POD_PDR__c", "status": "Supply_Status__c", "status_reason": "Status_Reason__c",
        "signed_on": "CustomerSignedDate", "activated_on": "ActivatedDate", "terminated_on": "Termination_Date__c",
        "yearly_volume": "Yearly_Volume__c",
    }),
}


class MappingError(ValueError):
    """A mapping that cannot be used: an unknown target, a malformed name, a key field left out."""


@dataclass(frozen=True)
class ObjectMapping:
    """One object as a sync reads it: the target source, the Salesforce object, its condition and fields."""

    target: str
    sobject: str
    condition: str | None
    fields: dict[str, str]  # Mandato field -> Salesforce field

    @property
    def layout(self) -> layouts.Layout:
        return layouts.get(self.target)

    @property
    def key_field(self) -> str:
        """Return the Salesforce field holding the layout's key (the external id of the row)."""
        return self.fields[self.layout.key[0]]

    def salesforce_field(self, mandato_field: str) -> str:
        """Return the Salesforce field that fills ``mandato_field`` ('' when none does)."""
        return self.fields.get(mandato_field, "")

    def select_list(self) -> list[str]:
        """Return the fields to SELECT: the system fields, then every mapped field once."""
        chosen = list(SYSTEM_FIELDS)
        for name in self.fields.values():
            if name not in chosen:
                chosen.append(name)
        return chosen


def _object(session: Session, target: str) -> SalesforceObject:
    """Return the stored object of ``target``, creating it with the default mapping the first time."""
    if target not in TARGETS:
        raise MappingError(f"unknown target {target!r}: one of {', '.join(TARGETS)}")
    stored = session.scalar(select(SalesforceObject).where(SalesforceObject.target == target))
    if stored is None:
        sobject, condition, fields = DEFAULTS[target]
        stored = SalesforceObject(target=target, sobject=sobject, condition=condition)
        stored.fields = [SalesforceFieldMapping(mandato_field=k, salesforce_field=v) for k, v in fields.items()]
        session.add(stored)
        session.flush()
    return stored


def stored_object(session: Session, target: str) -> SalesforceObject:
    """Return the stored object of ``target`` (with its watermark), created with the defaults when missing."""
    return _object(session, target)


def current(session: Session, target: str) -> ObjectMapping:
    """Return the mapping of ``target`` in force."""
    stored = _object(session, target)
    return ObjectMapping(target, stored.sobject, stored.condition or None,
                         {f.mandato_field: f.salesforce_field for f in stored.fields})


def check(target: str, sobject: str, condition: str | None, fields: dict[str, str]) -> dict[str, str]:
    """Return the cleaned fields of a mapping; raise MappingError naming the first problem."""
    layout = layouts.get(target)
    if not OBJECT_NAME.match(sobject or ""):
        raise MappingError(f"{sobject!r} is not a Salesforce object name")
    if condition and (";" in condition or "\n" in condition):
        raise MappingError("the condition must be one SOQL expression")
    cleaned = {}
    for name in layout.names:
        value = (fields.get(name) or "").strip()
        if not value:
            continue
        if not FIELD_NAME.match(value):
            raise MappingError(f"{name}: {value!r} is not a Salesforce field name")
        cleaned[name] = value
    missing = [f.name for f in layout.fields if f.name in layout.key and f.name not in cleaned]
    if missing:
        raise MappingError(f"{', '.join(missing)}: the key field must be mapped")
    return cleaned


def save(session: Session, user, target: str, sobject: str, condition: str | None,
         fields: dict[str, str]) -> ObjectMapping:
    """Store a new mapping of ``target``; when it differs, clear the watermark so the next sync reads all."""
    cleaned = check(target, sobject, condition, fields)
    before = current(session, target)
    stored = _object(session, target)
    condition = (condition or "").strip() or None
    if (before.sobject, before.condition, before.fields) == (sobject, condition, cleaned):
        return before
    stored.sobject, stored.condition, stored.watermark = sobject, condition, None
    kept = {row.mandato_field: row for row in stored.fields}
    for name, row in kept.items():
        if name in cleaned:
            row.salesforce_field = cleaned[name]
        else:
            stored.fields.remove(row)
    stored.fields.extend(SalesforceFieldMapping(mandato_field=k, salesforce_field=v)
                         for k, v in cleaned.items() if k not in kept)
    session.flush()
    audit.record(session, user, "salesforce.mapping_changed", "salesforce_object", target,
                 before={"sobject": before.sobject, "condition": before.condition, "fields": before.fields},
                 after={"sobject": sobject, "condition": condition, "fields": cleaned})
    return current(session, target)


def value_of(record: dict, path: str):
    """Return the value at ``path`` of a Salesforce record (``Account.Name`` walks the nested parent)."""
    value = record
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def as_text(value, kind: str) -> str | None:
    """Return a Salesforce JSON value as the text an import file would hold for a field of ``kind``."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return None
    text = str(value)
    if kind in ("date", "datetime") and SF_DATETIME.match(text):
        moment = parse_datetime(text).astimezone(LOCAL)
        return moment.strftime("%Y-%m-%d") if kind == "date" else moment.strftime("%Y-%m-%d %H:%M:%S")
    return text


def parse_datetime(text: str) -> datetime:
    """Parse a Salesforce datetime (``2026-03-01T10:00:00.000+0000``) into an aware datetime."""
    text = text.replace("Z", "+00:00")
    if re.search(r"[+-]\d{4}$", text):
        text = f"{text[:-2]}:{text[-2:]}"
    return datetime.fromisoformat(text)
