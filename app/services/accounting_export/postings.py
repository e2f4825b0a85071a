"""The posting lines of one pro-forma invoice, booked by the principal as a supplier invoice.

Amounts are signed debit-positive while they are built; the file writes them unsigned with D or C. Per invoice:

    debits:  cost lines (taxable, one per line kind)  + input VAT + stamp duty re-billed
    credits: vendor (net payable) + withholding + ENASARCO agent share + VAT kept in split payment

and since net payable = taxable + VAT + stamp − withholding − ENASARCO − VAT in split payment, the lines of each
invoice balance to the cent. A negative amount (a clawback, a credit note) swaps its side.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from decimal import Decimal

from app.services import accounting
from app.services.accounting_export.layout import Row
from calc.money import ZERO

ENASARCO_KIND = "RT04"


class PostingError(ValueError):
    """An invoice whose amounts do not add up (its lines against its taxable amount, or its postings)."""


@dataclass(frozen=True)
class Document:
    """What the export needs of one issued invoice, its statement and its partner."""

    invoice_number: str
    document_date: date
    period: str
    partner_code: str
    partner_name: str
    territory: str
    taxable: Decimal
    vat: Decimal
    withholding: Decimal
    enasarco_agent: Decimal
    stamp_charged: Decimal
    net_payable: Decimal
    tax_detail: dict
    gross: dict[str, Decimal]  # taxable amount per line kind ("adjustment" for dispute adjustments)

    @property
    def split_payment(self) -> bool:
        return bool(self.tax_detail.get("split_payment"))

    @property
    def withholding_kind(self) -> str | None:
        """Return the income-tax withholding kind of the invoice (RT01, RT02), if any."""
        kinds = [w["kind"] for w in (self.tax_detail.get("fatturapa") or {}).get("withholdings", [])
                 if w["kind"] != ENASARCO_KIND]
        return kinds[0] if kinds else None


@dataclass
class Mappings:
    """The accounting mappings, and what was looked up and not found (kept in order, each once)."""

    values: dict[tuple[str, str], str]
    missing: dict[str, None] = field(default_factory=dict)

    def get(self, kind: str, key: str, what: str) -> str:
        """Return the value of (kind, key); note ``what`` is missing when there is none."""
        value = self.values.get((kind, key))
        if value is None:
            self.note(what)
            return ""
        return value

    def note(self, what: str) -> None:
        """Note that ``what`` is missing (a setting the export needs besides the mappings)."""
        self.missing[what] = None


@dataclass(frozen=True)
class Posting:
    line_type: str
    gl_key: str
    signed: Decimal
    text: str
    cost_centre: bool = False
    tax_code: bool = False
    withholding_kind: str | None = None


def _postings(doc: Document) -> list[Posting]:
    vendor = [Posting("VENDOR", "vendor_payable", -doc.net_payable, "Fattura")]
    order = {key: index for index, key in enumerate(accounting.gl_keys())}
    gross = [Posting("GROSS", kind, amount, f"Provvigioni {kind}", cost_centre=True, tax_code=True)
             for kind, amount in sorted(doc.gross.items(), key=lambda item: order.get(item[0], len(order)))]
    items = [
        Posting("VAT", "vat_input", doc.vat, "IVA", tax_code=True),
        Posting("VAT_SPLIT", "vat_split_payment", -doc.vat if doc.split_payment else ZERO, "IVA scissione pagamenti",
                tax_code=True),
        Posting("STAMP", "stamp_duty", doc.stamp_charged, "Imposta di bollo", cost_centre=True),
        Posting("WITHHOLDING", "withholding", -doc.withholding, "Ritenuta d'acconto",
                withholding_kind=doc.withholding_kind),
        Posting("ENASARCO", "enasarco_agent", -doc.enasarco_agent, "ENASARCO quota agente",
                withholding_kind=ENASARCO_KIND),
    ]
    return [posting for posting in vendor + gross + items if posting.signed != ZERO]


def _check(doc: Document, postings: list[Posting]) -> None:
    lines_total = sum(doc.gross.values(), ZERO)
    if lines_total != doc.taxable:
        raise PostingError(f"invoice {doc.invoice_number} ({doc.partner_code}): its statement lines and "
                           f"adjustments total {lines_total} but its taxable amount is {doc.taxable}")
    balance = sum((p.signed for p in postings), ZERO)
    if balance != ZERO:
        raise PostingError(f"invoice {doc.invoice_number} ({doc.partner_code}): its postings do not balance "
                           f"(debits minus credits = {balance}); check its net payable {doc.net_payable}")


def invoice_rows(doc: Document, mappings: Mappings, posting_date: date, company_code: str) -> list[Row]:
    """Return the balanced posting lines of one invoice in ``company_code``, noting in ``mappings`` every mapping
    it lacks."""
    postings = _postings(doc)
    _check(doc, postings)
    vendor = mappings.get("vendor", doc.partner_code,
                          f"partner {doc.partner_code} ({doc.partner_name}) has no vendor number")
    vat_case = accounting.vat_case(doc.tax_detail)
    rows = []
    for number, posting in enumerate(postings, start=1):
        subject = "component kind" if posting.line_type == "GROSS" else "posting item"
        gl = mappings.get("gl_account", posting.gl_key, f"{subject} {posting.gl_key} has no GL account")
        centre = mappings.get("cost_centre", doc.territory,
                              f"territory {doc.territory} has no cost centre") if posting.cost_centre else ""
        tax = mappings.get("tax_code", vat_case, f"VAT case {vat_case} has no tax code") if posting.tax_code else ""
        withholding = ""
        if posting.withholding_kind:
            case = accounting.withholding_case(posting.withholding_kind)
            withholding = mappings.get("tax_code", case, f"withholding case {case} has no tax code")
        rows.append(Row(
            company_code=company_code, document_type="KG" if doc.taxable < 0 else "KR", vendor_number=vendor,
            partner_code=doc.partner_code, document_date=doc.document_date, posting_date=posting_date,
            invoice_number=doc.invoice_number, period=doc.period, line_number=number, line_type=posting.line_type,
            gl_account=gl, cost_centre=centre, tax_code=tax, withholding_code=withholding, signed_amount=posting.signed,
            text=f"{doc.invoice_number} {doc.partner_code} {posting.text}"))
    return rows
