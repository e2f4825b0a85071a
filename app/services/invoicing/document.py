"""What a pro-forma invoice says: the principal and the partner, number and date, the period, the lines summary,
the tax and social-security items, payment terms and the notes the tax rules require.

A pro-forma is the invoice the partner (cedente/prestatore) will issue to the principal (cessionario/
committente), prepared by the principal from the approved statement. It is an Italian fiscal document, so its
labels are Italian whatever the reader's language, and amounts are written the Italian way (1.234,56 €).
The lines summary adds up to the taxable amount of the statement, or the document is refused.
"""

from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from decimal import Decimal

from babel.dates import format_date
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import CommissionLine
from app.models import Invoice
from app.models import Partner
from app.models.statement import Adjustment
from app.models.types import Money
from app.services import principal as principal_data
from app.services import settings
from app.services.principal import Principal
from calc.money import ZERO

ADVANCE_LABEL = "anticipo provvigionale soggetto a conguaglio"


class DocumentError(ValueError):
    """An invoice whose content does not add up or lacks a required fact."""


def euro(amount: Decimal) -> str:
    """Return ``amount`` written the Italian way: 1.234,56 €."""
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    return f"{sign}{'.'.join([whole, *groups])},{cents} €"


def italian_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def principal_on(session: Session, day: date) -> Principal:
    """Return the principal's registry data printed on documents of ``day`` (``PrincipalMissing`` when unset)."""
    return principal_data.principal_on(session, day)


@dataclass(frozen=True)
class SummaryLine:
    """One row of the lines summary: a plan component's total, or an adjustment."""

    description: str
    amount: Decimal


@dataclass(frozen=True)
class InvoiceDocument:
    """Everything printed on one pro-forma invoice."""

    invoice_id: int
    number_text: str
    document_date: date
    due_date: date
    payment_days: int
    period_label: str
    principal: Principal
    partner: Partner
    lines: tuple[SummaryLine, ...]
    taxable: Decimal
    vat: Decimal
    vat_rate: Decimal
    withholding: Decimal
    withholding_rate: Decimal
    enasarco_agent: Decimal
    stamp_duty: Decimal
    stamp_rebilled: bool
    document_total: Decimal
    net_payable: Decimal
    split_payment: bool
    vat_nature: str | None
    has_advance: bool

    @property
    def vat_note(self) -> str | None:
        """Return the note that explains a VAT without amount, or a VAT the principal pays to the State."""
        if self.vat_nature == "N2.2":
            return ("Operazione senza applicazione dell'IVA effettuata ai sensi dell'art. 1, commi da 54 a 89, "
                    "della Legge n. 190/2014 (regime forfettario); compenso non soggetto a ritenuta d'acconto "
                    "ai sensi dell'art. 1, comma 67, L. 190/2014.")
        if self.vat_nature:
            return f"Operazione senza applicazione dell'IVA (natura {self.vat_nature})."
        if self.split_payment:
            return "Scissione dei pagamenti ai sensi dell'art. 17-ter del D.P.R. n. 633/1972."
        return None

    @property
    def stamp_note(self) -> str | None:
        if self.stamp_duty == ZERO:
            return None
        who = "addebitata al committente" if self.stamp_rebilled else "a carico del prestatore"
        return f"Imposta di bollo assolta in modo virtuale ai sensi del D.M. 17/06/2014 ({who})."

    @property
    def has_withholdings(self) -> bool:
        return self.withholding != ZERO or self.enasarco_agent != ZERO


def _component_totals(session: Session, invoices: list[Invoice]) -> dict[tuple[int, int], list[SummaryLine]]:
    """Return, per (run, partner), the payable total of each plan component, in one query."""
    runs = {invoice.statement.run_id for invoice in invoices}
    partners = {invoice.partner_id for invoice in invoices}
    query = (select(CommissionLine.run_id, CommissionLine.partner_id, CommissionLine.plan_code,
                    CommissionLine.component_id, func.max(CommissionLine.label),
                    func.sum(CommissionLine.amount, type_=Money))
             .where(CommissionLine.run_id.in_(runs), CommissionLine.partner_id.in_(partners),
                    CommissionLine.status != "held")
             .group_by(CommissionLine.run_id, CommissionLine.partner_id, CommissionLine.plan_code,
                       CommissionLine.component_id)
             .order_by(CommissionLine.plan_code, CommissionLine.component_id))
    totals: dict[tuple[int, int], list[SummaryLine]] = {}
    for run_id, partner_id, _plan, component_id, label, amount in session.execute(query):
        total = Decimal(amount).quantize(Decimal("0.01"))
        if total != ZERO:
            totals.setdefault((run_id, partner_id), []).append(SummaryLine(label or component_id, total))
    return totals


def _adjustments(session: Session, invoices: list[Invoice]) -> dict[int, list[SummaryLine]]:
    """Return, per statement, its adjustments (resolved or carried disputes) as summary rows."""
    statement_ids = [invoice.statement_id for invoice in invoices]
    rows: dict[int, list[SummaryLine]] = {}
    for adjustment in session.scalars(select(Adjustment).where(Adjustment.statement_id.in_(statement_ids))
                                      .order_by(Adjustment.sequence, Adjustment.id)):
        rows.setdefault(adjustment.statement_id, []).append(
            SummaryLine(f"Rettifica: {adjustment.reason}", adjustment.amount))
    return rows


def _summary(invoice: Invoice, components: list[SummaryLine], adjustments: list[SummaryLine]) -> tuple:
    lines = [*components, *adjustments]
    withheld = invoice.statement.withheld_for_disputes
    if withheld:
        lines.append(SummaryLine("Importi in contestazione sospesi", -withheld))
    total = sum((line.amount for line in lines), ZERO)
    if total != invoice.taxable:
        raise DocumentError(f"invoice {invoice.id} (statement {invoice.statement_id}): the lines summary adds up "
                            f"to {total}, the taxable amount is {invoice.taxable}")
    return tuple(lines)


def period_label(month: date) -> str:
    """Return the period in words, e.g. "febbraio 2026"."""
    return format_date(month, "MMMM yyyy", locale="it")


def build(session: Session, invoices: list[Invoice], document_date: date, numbers: dict[int, str]) -> list[
        InvoiceDocument]:
    """Return the documents of ``invoices`` dated ``document_date``, numbered by ``numbers`` (invoice id -> text)."""
    if not invoices:
        return []
    components = _component_totals(session, invoices)
    adjustments = _adjustments(session, invoices)
    terms = int(settings.value_on(session, "payment_terms_days", document_date))
    principal = principal_on(session, document_date)
    documents = []
    for invoice in invoices:
        statement = invoice.statement
        detail = statement.tax_detail or {}
        lines = _summary(invoice, components.get((statement.run_id, invoice.partner_id), []),
                         adjustments.get(statement.id, []))
        documents.append(InvoiceDocument(
            invoice_id=invoice.id, number_text=numbers[invoice.id], document_date=document_date,
            due_date=document_date + timedelta(days=terms), payment_days=terms, period_label=period_label(statement.period.month),
            principal=principal, partner=invoice.partner, lines=lines, taxable=invoice.taxable, vat=invoice.vat,
            vat_rate=Decimal(detail.get("vat_rate", "0")), withholding=invoice.withholding,
            withholding_rate=Decimal(detail.get("withholding_rate", "0")), enasarco_agent=invoice.enasarco_agent,
            stamp_duty=invoice.stamp_duty, stamp_rebilled=bool(detail.get("stamp_rebilled", False)),
            document_total=invoice.document_total, net_payable=invoice.net_payable,
            split_payment=bool(detail.get("split_payment", False)),
            vat_nature=detail.get("fatturapa", {}).get("vat_nature"), has_advance=statement.has_advance))
    return documents
