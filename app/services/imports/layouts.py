"""The documented layout of each import source: its columns, their kind, and the rules a file must follow.

A layout is the contract between the principal's systems and Mandato: one ``Field`` per column (the column's
header in the downloadable template is the field's name), whether it is required, its kind (which decides how a
value is read and checked), and the rules across columns: which fields identify a row (duplicates within a file
are errors), which dates must be in order, and which fields go together. The layout page and the templates are
generated from these specs, so the documentation cannot drift from the validation.

Kinds and how a value is read:

- ``text`` / ``id``: trimmed text, at most ``max_length`` characters (``id`` is an external id, kept as written).
- ``code``: a code of Mandato's own tables (partner, product, offer, option), upper-cased.
- ``date``: ``YYYY-MM-DD`` or ``DD/MM/YYYY``; ``datetime``: the same plus ``HH:MM[:SS]``, Italian time.
- ``integer``: a whole number within ``minimum``..``maximum``.
- ``money`` (2 places), ``volume`` (3 places), ``rate`` (6 places): exact decimals, never floats; the decimal
  separator is ``.`` or ``,``; when both appear the last one is the decimal separator (``1.234,56``).
- ``boolean``: yes/no, sì/no, true/false, 1/0, s/n, y/n.
- ``choice``: one of ``choices`` (case does not matter).
- ``vat``: an Italian partita IVA (check digit); ``fiscal_code``: a codice fiscale (check character) or, for
  companies, their partita IVA; ``iban``: an IBAN (check digits); ``supply_point``: a POD (``IT001E12345678``)
  or a PDR (14 digits); ``email``: an e-mail address.
"""

from dataclasses import dataclass

from flask import has_request_context
from flask_babel import lazy_gettext as _l

from app.models.catalogue import Commodity
from app.models.contract import ContractStatus
from app.models.contract import Segment
from app.models.partner import EnasarcoMandate
from app.models.partner import FiscalCategory
from app.models.partner import LegalForm
from app.models.partner import PartnerKind
from app.models.partner import VatRegime

DECIMAL_PLACES = {"money": 2, "volume": 3, "rate": 6}
# How each kind of value is written, for the layout page.
KINDS = {
    "text": _l("Text."),
    "id": _l("Identifier in your systems, kept as written."),
    "code": _l("Code: letters, digits and - _ . / (upper-cased)."),
    "date": _l("Date: YYYY-MM-DD or DD/MM/YYYY."),
    "datetime": _l("Date and time, Italian time: YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM."),
    "integer": _l("Whole number."),
    "money": _l("Amount in euro, at most 2 decimals: 1234.56 or 1.234,56."),
    "volume": _l("Quantity, at most 3 decimals: 1234.567 or 1.234,567."),
    "rate": _l("Rate, at most 6 decimals: 0.085."),
    "boolean": _l("Yes or no: sì/no, yes/no, true/false, 1/0."),
    "choice": _l("One of the listed values."),
    "vat": _l("Partita IVA, 11 digits (check digit verified)."),
    "fiscal_code": _l("Codice fiscale, 16 characters, or a company's partita IVA (check verified)."),
    "iban": _l("IBAN (check digits verified); spaces allowed."),
    "supply_point": _l("POD (IT001E12345678) or PDR (14 digits)."),
    "email": _l("E-mail address."),
}
ORDER_OUTCOMES = ("completed", "failed", "cancelled")


def text_of(value) -> str:
    """Return a lazy UI string as text: translated while serving a request, the English msgid otherwise."""
    if has_request_context() or not hasattr(value, "_args"):
        return str(value)
    return value._args[0]


def _values(enum_class) -> tuple[str, ...]:
    return tuple(member.value for member in enum_class)


@dataclass(frozen=True)
class Field:
    """One column of a layout."""

    name: str
    kind: str
    help: object = ""
    required: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None
    pattern_hint: str | None = None

    @property
    def places(self) -> int | None:
        """Return the decimal places of a decimal kind, else None."""
        return DECIMAL_PLACES.get(self.kind)


@dataclass(frozen=True)
class Layout:
    """The columns of one import source and the rules across them."""

    source: str
    title: object
    description: object
    fields: tuple[Field, ...]
    key: tuple[str, ...] = ()
    ordered: tuple[tuple[str, str], ...] = ()
    together: tuple[tuple[str, ...], ...] = ()
    required_when: tuple[tuple[str, str, tuple], ...] = ()
    depends_on: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        """Return the field names in template order."""
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        """Return the field called ``name``."""
        return next(f for f in self.fields if f.name == name)


def _f(name: str, kind: str, help_text, **options) -> Field:
    return Field(name, kind, help_text, **options)


_PROVINCE = {"pattern": r"^[A-Za-z]{2}$", "pattern_hint": "MI"}
_POSTCODE = {"pattern": r"^\d{5}$", "pattern_hint": "20121"}
_KPI = {"pattern": r"^[a-z][a-z0-9_]*$", "pattern_hint": "kwh_billed"}

PARTNERS = Layout(
    source="partners",
    title=_l("Partners and hierarchy"),
    description=_l("One row per partner: details, the parent from a date, and the fiscal profile from a date. "
                   "A partner already known by its code is updated; a new parent or fiscal profile starts on "
                   "its date and closes the previous one. An empty parent leaves the hierarchy as it is."),
    fields=(
        _f("partner_code", "code", _l("Partner code, unique."), required=True, max_length=32),
        _f("name", "text", _l("Name or company name."), required=True, max_length=200),
        _f("kind", "choice", _l("Role in the network."), required=True, choices=_values(PartnerKind)),
        _f("territory", "text", _l("Sales territory (region)."), required=True, max_length=40),
        _f("vat_number", "vat", _l("Partita IVA (11 digits, check digit verified).")),
        _f("fiscal_code", "fiscal_code", _l("Codice fiscale (or the partita IVA of a company).")),
        _f("address", "text", _l("Street and number."), max_length=200),
        _f("city", "text", _l("City."), max_length=100),
        _f("province", "text", _l("Province (2 letters)."), **_PROVINCE),
        _f("postcode", "text", _l("Postcode (CAP, 5 digits)."), **_POSTCODE),
        _f("iban", "iban", _l("IBAN for payments.")),
        _f("email", "email", _l("E-mail address."), max_length=200),
        _f("phone", "text", _l("Phone number."), max_length=40),
        _f("active_from", "date", _l("First day of the mandate."), required=True),
        _f("active_to", "date", _l("Last day of the mandate, if ended.")),
        _f("parent_code", "code", _l("Code of the parent partner (in the file or already known)."),
           max_length=32),
        _f("parent_valid_from", "date", _l("Day from which the parent applies.")),
        _f("fiscal_valid_from", "date", _l("Day from which the fiscal profile applies.")),
        _f("fiscal_category", "choice", _l("Fiscal category."), choices=_values(FiscalCategory)),
        _f("legal_form", "choice", _l("Legal form."), choices=_values(LegalForm)),
        _f("vat_regime", "choice", _l("VAT regime."), choices=_values(VatRegime)),
        _f("enasarco", "choice", _l("ENASARCO mandate."), choices=_values(EnasarcoMandate)),
        _f("reduced_withholding_base", "boolean", _l("Declared reduced withholding base (yes/no).")),
        _f("enasarco_rate_override", "rate", _l("ENASARCO rate agreed individually (e.g. 0.085)."),
           minimum=0, maximum=1),
    ),
    key=("partner_code",),
    ordered=(("active_from", "active_to"), ("active_from", "parent_valid_from")),
    together=(("parent_code", "parent_valid_from"),
              ("fiscal_valid_from", "fiscal_category", "legal_form", "vat_regime", "enasarco")),
)

CATALOGUE = Layout(
    source="catalogue",
    title=_l("Catalogue: products, offers, options"),
    description=_l("One row per product, offer or option, told apart by record_type. Offers and options refer "
                   "to a product in the file or already known. Rows known by their code are updated."),
    fields=(
        _f("record_type", "choice", _l("product, offer or option."), required=True,
           choices=("product", "offer", "option")),
        _f("code", "code", _l("Code, unique within its record type."), required=True, max_length=32),
        _f("name", "text", _l("Name."), required=True, max_length=120),
        _f("product_code", "code", _l("Product of an offer (required) or of an option (optional)."),
           max_length=32),
        _f("commodity", "choice", _l("Line of business of a product (required for products)."),
           choices=_values(Commodity)),
        _f("unit", "text", _l("Volume unit of a product (kWh, Smc)."), max_length=8),
        _f("category", "text", _l("Catalogue category of an offer (required for offers)."), max_length=40),
        _f("valid_from", "date", _l("First day an offer is on sale (required for offers).")),
        _f("valid_to", "date", _l("Last day an offer is on sale.")),
    ),
    key=("record_type", "code"),
    ordered=(("valid_from", "valid_to"),),
    required_when=(("commodity", "record_type", ("product",)), ("product_code", "record_type", ("offer",)),
                   ("category", "record_type", ("offer",)), ("valid_from", "record_type", ("offer",))),
)

CONTRACTS = Layout(
    source="contracts",
    title=_l("Customers and contracts"),
    description=_l("One row per contract with its customer. A contract that changes becomes a new version; the "
                   "previous version is kept. Customers are matched by their id and updated."),
    fields=(
        _f("contract_id", "id", _l("Contract id in the principal's systems."), required=True, max_length=64),
        _f("customer_id", "id", _l("Customer id in the principal's systems."), required=True, max_length=64),
        _f("customer_name", "text", _l("Customer name."), required=True, max_length=200),
        _f("customer_fiscal_code", "fiscal_code", _l("Customer's codice fiscale or partita IVA.")),
        _f("segment", "choice", _l("Customer segment."), required=True, choices=_values(Segment)),
        _f("territory", "text", _l("Customer territory (region)."), required=True, max_length=40),
        _f("city", "text", _l("Customer city."), max_length=100),
        _f("partner_code", "code", _l("Code of the selling partner."), required=True, max_length=32),
        _f("product_code", "code", _l("Product code."), required=True, max_length=32),
        _f("offer_code", "code", _l("Offer code (an offer of the product)."), required=True, max_length=32),
        _f("options", "text", _l("Option codes separated by commas."), max_length=200),
        _f("supply_point", "supply_point", _l("POD (electricity) or PDR (gas); required for electricity and gas.")),
        _f("status", "choice", _l("Contract status."), required=True, choices=_values(ContractStatus)),
        _f("status_reason", "text", _l("Reason of the status (withdrawal, switch-out ...)."), max_length=120),
        _f("signed_on", "date", _l("Day of signature."), required=True),
        _f("activated_on", "date", _l("Day the supply started (required for active and terminated).")),
        _f("terminated_on", "date", _l("Day the supply ended or the contract was cancelled.")),
        _f("yearly_volume", "volume", _l("Estimated yearly volume (kWh or Smc, 3 decimals)."), minimum=0),
    ),
    key=("contract_id",),
    ordered=(("signed_on", "activated_on"), ("activated_on", "terminated_on"), ("signed_on", "terminated_on")),
    required_when=(("activated_on", "status", ("active", "terminated")),
                   ("terminated_on", "status", ("terminated", "cancelled"))),
    depends_on=("catalogue", "partners"),
)

STATUS_EVENTS = Layout(
    source="status_events",
    title=_l("Contract status events"),
    description=_l("One row per change of status of a known contract. Each event makes a new contract version "
                   "with the new status; activation sets the activation date, termination and cancellation the "
                   "end date. Events must follow the lifecycle: signed, validated, switching, active, "
                   "terminated; cancelled only before activation; nothing after termination or cancellation."),
    fields=(
        _f("contract_id", "id", _l("Contract id."), required=True, max_length=64),
        _f("status", "choice", _l("New status."), required=True, choices=_values(ContractStatus)),
        _f("event_date", "date", _l("Day of the change."), required=True),
        _f("reason", "text", _l("Reason (withdrawal, switch rejected, switch-out ...)."), max_length=120),
    ),
    key=("contract_id", "status"),
    depends_on=("contracts",),
)

BILLING_LINES = Layout(
    source="billing_lines",
    title=_l("Billing lines"),
    description=_l("One row per billed period of a contract. A line already imported and unchanged is skipped; "
                   "a corrected line becomes a new version. Amounts have at most 2 decimals, volumes 3."),
    fields=(
        _f("billing_line_id", "id", _l("Billing line id, unique."), required=True, max_length=64),
        _f("contract_id", "id", _l("Id of a known contract."), required=True, max_length=64),
        _f("period_start", "date", _l("First day of the billed period."), required=True),
        _f("period_end", "date", _l("Last day of the billed period."), required=True),
        _f("volume", "volume", _l("Volume billed (kWh or Smc)."), required=True, minimum=0),
        _f("amount_billed", "money", _l("Amount billed, euro."), required=True),
        _f("fixed_fee_billed", "money", _l("Fixed commercial fee billed (PCV/QVD), euro."), required=True),
        _f("paid", "boolean", _l("Whether the bill is paid."), required=True),
        _f("paid_on", "date", _l("Day of payment (required when paid).")),
    ),
    key=("billing_line_id",),
    ordered=(("period_start", "period_end"), ("period_start", "paid_on")),
    required_when=(("paid_on", "paid", (True,)),),
    depends_on=("contracts",),
)

SERVICE_ORDERS = Layout(
    source="service_orders",
    title=_l("Service orders"),
    description=_l("One row per job of an installer or technician, with its SLA facts. A changed order becomes "
                   "a new version."),
    fields=(
        _f("service_order_id", "id", _l("Service order id, unique."), required=True, max_length=64),
        _f("partner_code", "code", _l("Code of the installer or technician."), required=True, max_length=32),
        _f("contract_id", "id", _l("Id of the contract served, if any."), max_length=64),
        _f("job_type", "text", _l("Job type (boiler_maintenance, repair ...)."), required=True, max_length=40),
        _f("opened_at", "datetime", _l("When the job was opened (Italian time)."), required=True),
        _f("completed_at", "datetime", _l("When the job was completed.")),
        _f("sla_hours", "integer", _l("SLA in hours."), required=True, minimum=1, maximum=10000),
        _f("outcome", "choice", _l("Outcome."), required=True, choices=ORDER_OUTCOMES),
        _f("first_time_fix", "boolean", _l("Fixed at the first visit (yes/no).")),
        _f("rating", "integer", _l("Customer rating 1 to 5."), minimum=1, maximum=5),
    ),
    key=("service_order_id",),
    ordered=(("opened_at", "completed_at"),),
    depends_on=("partners", "contracts"),
)

TARGETS = Layout(
    source="targets",
    title=_l("Targets"),
    description=_l("One row per partner, KPI and period (a year, or a month of it). A target already known for "
                   "the same partner, KPI and period is updated."),
    fields=(
        _f("partner_code", "code", _l("Partner code."), required=True, max_length=32),
        _f("year", "integer", _l("Year."), required=True, minimum=2000, maximum=2100),
        _f("month", "integer", _l("Month 1-12; empty for a yearly target."), minimum=1, maximum=12),
        _f("kpi", "text", _l("KPI name (activations, kwh_billed, smc_billed, jobs ...)."), required=True,
           max_length=40, **_KPI),
        _f("value", "volume", _l("Target value (3 decimals)."), required=True, minimum=0),
    ),
    key=("partner_code", "year", "month", "kpi"),
    depends_on=("partners",),
)

LAYOUTS: dict[str, Layout] = {
    layout.source: layout
    for layout in (CATALOGUE, PARTNERS, CONTRACTS, STATUS_EVENTS, BILLING_LINES, SERVICE_ORDERS, TARGETS)
}


def get(source: str) -> Layout:
    """Return the layout of ``source``; KeyError for an unknown source."""
    return LAYOUTS[source]
