"""Accounting mappings: the values the accounting (SAP) export looks up by kind and key.

A vendor number per partner code, a GL account per line kind, a cost centre per territory (Italian region),
a tax code per VAT and withholding case. Every change is audited.
"""

from sqlalchemy import Select
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AccountingMapping
from app.services import audit

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
    """Return demo mappings: GL accounts per line kind, cost centres per region, tax codes per VAT case."""
    rows = [{"kind": "gl_account", "key": key, "value": value, "description": text}
            for key, value, text in GL_ACCOUNTS]
    rows += [{"kind": "cost_centre", "key": region, "value": f"CC-{code}", "description": f"Rete vendita {region}"}
             for region, code in REGION_CODES]
    rows += [{"kind": "tax_code", "key": key, "value": value, "description": text} for key, value, text in TAX_CODES]
    return rows
