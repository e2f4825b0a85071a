"""Accounting mappings: the values the accounting (SAP) export looks up by kind and key.

A vendor number per partner code, a GL account per line kind (and per posting item: vendor reconciliation,
input VAT, withholding, ENASARCO, stamp duty), a cost centre per territory (Italian region), a tax code per
VAT and withholding case. Every change is audited.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AccountingMapping
from app.models import Partner
from app.services import audit
from calc.catalogue import LINE_KINDS

KINDS = ("vendor", "gl_account", "cost_centre", "tax_code")
FIELDS = ["kind", "key", "value", "description"]

# GL accounts (costs of the principal, balance-sheet accounts for advances), by statement line kind.
GL_ACCOUNTS = (
    ("one_off", "6120100", "Provvigioni una tantum (attivazioni)"),
    ("recurring", "6120110", "Provvigioni ricorrenti sui consumi"),
    ("tier", "6120120", "Provvigioni a scaglioni"),
    ("target_bonus", "6120130", "Premi al raggiungimento obiettivi"),
    ("sla_fee", "6120140", "Compensi a prestazione (SLA) installatori e tecnici"),
    ("sla_penalty", "6120145", "Penali SLA installatori e tecnici"),
    ("override", "6120150", "Provvigioni di override sulla rete"),
    ("formula", "6120160", "Provvigioni da formula"),
    ("clawback", "6120170", "Storni di provvigioni non maturate"),
    ("release", "6120175", "Rilascio provvigioni sospese"),
    ("cap", "6120180", "Rettifica per tetto massimo provvigioni"),
    ("guarantee", "6120185", "Integrazione minimo garantito"),
    ("floor", "6120190", "Integrazione soglia minima"),
    ("floor_recovery", "6120191", "Recupero integrazione soglia minima"),
    ("delta", "6120195", "Conguagli da ricalcolo di periodi chiusi"),
    ("adjustment", "6120198", "Rettifiche da contestazioni"),
    ("advance", "1420100", "Anticipi provvigionali soggetti a conguaglio"),
    ("advance_recovery", "1420100", "Recupero anticipi provvigionali"),
    ("enasarco_principal", "6130100", "Contributi ENASARCO a carico preponente"),
    ("firr", "6130200", "Accantonamento FIRR"),
)
# GL accounts of the items of a supplier invoice besides its cost lines (see docs/accounting-export.md).
POSTING_ACCOUNTS = (
    ("vendor_payable", "2210100", "Debiti verso agenti e procacciatori (riconciliazione fornitori)"),
    ("vat_input", "1450100", "IVA a credito su acquisti"),
    ("vat_split_payment", "2450200", "Erario c/IVA da versare in scissione dei pagamenti"),
    ("withholding", "2410100", "Erario c/ritenute d'acconto da versare"),
    ("enasarco_agent", "2420100", "ENASARCO c/contributi quota agente da versare"),
    ("stamp_duty", "6170100", "Imposta di bollo riaddebitata"),
)

REGION_CODES = (
    ("Abruzzo", "ABR"), ("Basilicata", "BAS"), ("Calabria", "CAL"), ("Campania", "CAM"),
    ("Emilia-Romagna", "EMR"), ("Friuli-Venezia Giulia", "FVG"), ("Lazio", "LAZ"), ("Liguria", "LIG"),
    ("Lombardia", "LOM"), ("Marche", "MAR"), ("Molise", "MOL"), ("Piemonte", "PIE"), ("Puglia", "PUG"),
    ("Sardegna", "SAR"), ("Sicilia", "SIC"), ("Toscana", "TOS"), ("Trentino-Alto Adige", "TAA"),
    ("Umbria", "UMB"), ("Valle d'Aosta", "VDA"), ("Veneto", "VEN"),
)

TAX_CODES = (
    ("vat_ordinary_22", "I22", "IVA ordinaria 22%"),
    ("vat_flat_rate_n2_2", "N22", "Non soggetta a IVA, regime forfettario (Natura N2.2)"),
    ("vat_split_payment", "I22S", "IVA 22% in scissione dei pagamenti (art. 17-ter DPR 633/72)"),
    ("withholding_rt01", "RT01", "Ritenuta d'acconto persone fisiche 23% (art. 25-bis DPR 600/73)"),
    ("withholding_rt02", "RT02", "Ritenuta d'acconto persone giuridiche 23% (art. 25-bis DPR 600/73)"),
    ("withholding_rt04", "RT04", "Contributo ENASARCO quota agente"),
)


class AccountingError(ValueError):
    """An unknown kind, or a key already mapped for its kind."""


def gl_keys() -> tuple[str, ...]:
    """Return every key a GL account is looked up by: the line kinds, dispute adjustments, posting items."""
    return tuple(dict.fromkeys((*LINE_KINDS, "adjustment", *(key for key, _, _ in POSTING_ACCOUNTS))))


def vat_case(tax_detail: dict) -> str:
    """Return the tax-code key of a statement's VAT case, from the tax detail kept with it."""
    if tax_detail.get("split_payment"):
        return "vat_split_payment"
    nature = (tax_detail.get("fatturapa") or {}).get("vat_nature")
    if nature:
        return "vat_flat_rate_" + nature.lower().replace(".", "_")
    percent = (Decimal(str(tax_detail.get("vat_rate") or "0")) * 100).normalize()
    return f"vat_ordinary_{percent:f}"


def withholding_case(kind: str) -> str:
    """Return the tax-code key of a withholding kind (RT01, RT02, RT04 for ENASARCO)."""
    return f"withholding_{kind.lower()}"


@dataclass(frozen=True)
class Gap:
    """Keys of one kind that something needs but no mapping gives: the first few, and how many in all."""

    kind: str
    keys: list[str]
    total: int


def gaps(session: Session, limit: int = 20) -> list[Gap]:
    """Return, per kind, the keys without a mapping: partners without vendor number, territories without cost
    centre, line kinds and posting items without GL account, tax cases without tax code."""
    mapped = {(kind, key) for kind, key in session.execute(select(AccountingMapping.kind, AccountingMapping.key))}
    vendor_query = (select(Partner.code).where(Partner.code.not_in(
        select(AccountingMapping.key).where(AccountingMapping.kind == "vendor"))).order_by(Partner.code))
    vendors = list(session.scalars(vendor_query.limit(limit)))
    vendor_total = session.scalar(select(func.count()).select_from(vendor_query.order_by(None).subquery())) or 0
    territories = sorted(t for t in session.scalars(select(Partner.territory).distinct())
                         if ("cost_centre", t) not in mapped)
    accounts = [key for key in gl_keys() if ("gl_account", key) not in mapped]
    taxes = [key for key, _, _ in TAX_CODES if ("tax_code", key) not in mapped]
    found = [Gap("vendor", vendors, vendor_total), Gap("cost_centre", territories[:limit], len(territories)),
             Gap("gl_account", accounts[:limit], len(accounts)), Gap("tax_code", taxes[:limit], len(taxes))]
    return [gap for gap in found if gap.total]


def search(kind: str | None = None, q: str | None = None) -> Select:
    """Return the query of the mappings, by kind and key, optionally filtered."""
    query = select(AccountingMapping).order_by(AccountingMapping.kind, AccountingMapping.key)
    if kind:
        query = query.where(AccountingMapping.kind == kind)
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(AccountingMapping.key.ilike(pattern) | AccountingMapping.value.ilike(pattern)
                            | AccountingMapping.description.ilike(pattern))
    return query


def lookup(session: Session, kind: str, key: str) -> str | None:
    """Return the value mapped to ``key`` for ``kind``, or None."""
    return session.scalar(select(AccountingMapping.value).where(AccountingMapping.kind == kind,
                                                                AccountingMapping.key == key))


def _checked(session: Session, values: dict, mapping: AccountingMapping | None = None) -> dict:
    clean = {"kind": values["kind"], "key": values["key"].strip(), "value": values["value"].strip(),
             "description": (values.get("description") or "").strip() or None}
    if clean["kind"] not in KINDS:
        raise AccountingError(f"unknown kind {clean['kind']!r}; expected one of {', '.join(KINDS)}")
    if not clean["key"] or not clean["value"]:
        raise AccountingError("key and value are required")
    taken = session.scalar(select(AccountingMapping).where(AccountingMapping.kind == clean["kind"],
                                                           AccountingMapping.key == clean["key"]))
    if taken is not None and taken is not mapping:
        raise AccountingError(f"{clean['kind']} {clean['key']!r} is already mapped to {taken.value!r}")
    return clean


def add(session: Session, user, values: dict) -> AccountingMapping:
    """Add a mapping (kind, key) -> value."""
    mapping = AccountingMapping(**_checked(session, values))
    session.add(mapping)
    session.flush()
    audit.record(session, user, "accounting_mapping.added", "accounting_mapping", mapping.id,
                 after={field: getattr(mapping, field) for field in FIELDS})
    return mapping


def update(session: Session, user, mapping: AccountingMapping, values: dict) -> bool:
    """Change a mapping; return False when nothing changed."""
    clean = _checked(session, values, mapping)
    before, after = audit.changes(mapping, FIELDS, clean)
    if not after:
        return False
    for field, value in clean.items():
        setattr(mapping, field, value)
    session.flush()
    audit.record(session, user, "accounting_mapping.changed", "accounting_mapping", mapping.id,
                 before=before, after=after)
    return True


def delete(session: Session, user, mapping: AccountingMapping) -> None:
    """Delete a mapping."""
    audit.record(session, user, "accounting_mapping.deleted", "accounting_mapping", mapping.id,
                 before={field: getattr(mapping, field) for field in FIELDS})
    session.delete(mapping)
    session.flush()


def default_accounting_mappings() -> list[dict]:
    """Return demo mappings: GL accounts per line kind and posting item, cost centres per region, tax codes per
    VAT and withholding case (vendor numbers depend on the partners: the demo seed adds them)."""
    rows = [{"kind": "gl_account", "key": key, "value": value, "description": text}
            for key, value, text in GL_ACCOUNTS + POSTING_ACCOUNTS]
    rows += [{"kind": "cost_centre", "key": region, "value": f"CC-{code}", "description": f"Rete vendita {region}"}
             for region, code in REGION_CODES]
    rows += [{"kind": "tax_code", "key": key, "value": value, "description": text} for key, value, text in TAX_CODES]
    return rows
