"""The marshmallow schemas of the API: they validate every request and the OpenAPI document is generated from them.

The schemas of pushed items are built from the import layouts (``app.services.imports.layouts``), field by
field: the same names, required fields, lengths, choices and formats a file column has, so the API, the file
templates and the layout pages cannot drift apart. They check the shape of a request (types, required fields,
formats); the layout's own validation (check digits, references, lifecycle, duplicates) then runs on the values
exactly as for a file. Amounts and volumes travel as strings (``"61.35"``), never as JSON numbers.
"""

from datetime import UTC
from datetime import datetime
from decimal import Decimal

from marshmallow import EXCLUDE
from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate

from app.services.imports import layouts
from app.services.imports.layouts import Field
from app.services.imports.layouts import Layout
from app.services.imports.layouts import text_of
from calc.money import CENT
from calc.money import ROUNDING

MAX_PAGE_SIZE = 500
PLAIN_TEXT = r"^[^\x00-\x1f\x7f]*$"
CODE = r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"
DECIMAL_TEXT = {
    "money": r"^-?\d{1,12}(\.\d{1,2})?$",
    "volume": r"^\d{1,13}(\.\d{1,3})?$",
    "rate": r"^\d{1,6}(\.\d{1,6})?$",
}
EXAMPLES = {"money": "61.35", "volume": "231.500", "rate": "0.085"}
LENGTHS = {"vat": 13, "fiscal_code": 16, "iban": 34, "supply_point": 20}
PERIOD = r"^[12]\d{3}-(0[1-9]|1[0-2])$"


class Money(fields.String):
    """An amount as exact text with two decimals (``"61.35"``), rounded half up once, never a float."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return str(Decimal(value).quantize(CENT, rounding=ROUNDING))


class Instant(fields.DateTime):
    """A moment in RFC 3339 with its offset; SQLite gives back naive UTC values, marked as UTC here."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


def _money(description: str, **options) -> Money:
    return Money(metadata={"description": description, "pattern": DECIMAL_TEXT["money"], "example": "61.35"},
                 **options)


def _input_field(field: Field) -> fields.Field:
    """Return the marshmallow field of a layout field: its type, required-ness, length, choices, format."""
    options = {"required": field.required, "allow_none": not field.required,
               "metadata": {"description": text_of(field.help)}}
    checks = []
    if field.kind == "date":
        return fields.Date(**options)
    if field.kind == "boolean":
        return fields.Boolean(truthy={True}, falsy={False}, **options)
    if field.kind == "integer":
        return fields.Integer(strict=True, validate=validate.Range(field.minimum, field.maximum), **options)
    if field.kind == "choice":
        return fields.String(validate=validate.OneOf(field.choices), **options)
    if field.kind in DECIMAL_TEXT:
        options["metadata"]["example"] = EXAMPLES[field.kind]
        return fields.String(validate=validate.Regexp(DECIMAL_TEXT[field.kind]), **options)
    if field.kind == "code":
        checks.append(validate.Regexp(CODE))
    elif field.pattern:
        checks.append(validate.Regexp(field.pattern))
    else:
        checks.append(validate.Regexp(PLAIN_TEXT))
    max_length = field.max_length or LENGTHS.get(field.kind)
    if max_length:
        checks.append(validate.Length(max=max_length))
    if field.required:
        checks.append(validate.Length(min=1))
    return fields.String(validate=checks, **options)


def item_schema(layout: Layout, name: str) -> type[Schema]:
    """Return the schema of one pushed item of ``layout``."""
    return Schema.from_dict({field.name: _input_field(field) for field in layout.fields}, name=name)


ContractItem = item_schema(layouts.CONTRACTS, "ContractItem")
ContractEventItem = item_schema(layouts.STATUS_EVENTS, "ContractEventItem")
BillingLineItem = item_schema(layouts.BILLING_LINES, "BillingLineItem")


class Problem(Schema):
    """One problem: the item's index (null for the request as a whole), the field, a stable code, a message."""

    index = fields.Integer(allow_none=True, required=True)
    field = fields.String(allow_none=True, required=True)
    code = fields.String(required=True)
    message = fields.String(required=True)
    value = fields.String(allow_none=True)


class Errors(Schema):
    """The body of every error response."""

    errors = fields.List(fields.Nested(Problem), required=True)


class PushResult(Schema):
    """What a push wrote: the import batch it is recorded under, the counts, the warnings (non-blocking)."""

    batch_id = fields.Integer(required=True, metadata={"description": "Import batch recording this call."})
    received = fields.Integer(required=True)
    new = fields.Integer(required=True)
    changed = fields.Integer(required=True, metadata={"description": "Records that became a new version."})
    unchanged = fields.Integer(required=True, metadata={"description": "Records identical to the stored ones."})
    warnings = fields.List(fields.Nested(Problem), required=True)


class PageQuery(Schema):
    class Meta:
        unknown = EXCLUDE  # a client's cache-buster or tracing parameter is not an error

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


class PartnerQuery(PageQuery):
    q = fields.String(validate=[validate.Length(max=100), validate.Regexp(PLAIN_TEXT)],
                      metadata={"description": "Part of the name, code, VAT number or fiscal code."})
    kind = fields.String(validate=validate.OneOf(layouts.PARTNERS.field("kind").choices))


class StatementQuery(PageQuery):
    period = fields.String(validate=validate.Regexp(PERIOD), metadata={"description": "Month, YYYY-MM."})


class AccrualQuery(PageQuery):
    partner_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    period = fields.String(validate=validate.Regexp(PERIOD),
                           metadata={"description": "Month, YYYY-MM; the latest open period when left out."})


class Paged(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    pages = fields.Integer(required=True)


class Partner(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    territory = fields.String(required=True)
    vat_number = fields.String(allow_none=True)
    fiscal_code = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    province = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    active_from = fields.Date(required=True)
    active_to = fields.Date(allow_none=True)
    parent_id = fields.Integer(allow_none=True, metadata={"description": "Parent partner today, if any."})


class PartnerPage(Paged):
    items = fields.List(fields.Nested(Partner), required=True)


class StatementComponent(Schema):
    plan_code = fields.String(required=True)
    plan_version = fields.Integer(required=True)
    component_id = fields.String(required=True)
    lines = fields.Integer(required=True)
    amount = _money("Sum of the component's lines.", required=True)
    held = _money("Part of the amount held (not payable yet).", required=True)


class Statement(Schema):
    id = fields.Integer(required=True)
    period = fields.String(required=True, metadata={"description": "Month, YYYY-MM."})
    partner_id = fields.Integer(required=True)
    partner_code = fields.String(required=True)
    status = fields.String(required=True)
    review_deadline = fields.Date(required=True)
    published_at = Instant(required=True)
    gross = _money("Commissions of the period.", required=True)
    held = _money("Held amounts.", required=True)
    payable = _money("Payable commissions.", required=True)
    adjustments = _money("Dispute adjustments.", required=True)
    taxable = _money("Taxable amount.", required=True)
    vat = _money("VAT.", required=True)
    withholding = _money("Withholding tax.", required=True)
    enasarco_agent = _money("ENASARCO, agent's share.", required=True)
    stamp_duty = _money("Stamp duty.", required=True)
    document_total = _money("Total of the document.", required=True)
    net_payable = _money("Net payable to the partner.", required=True)


class StatementDetail(Statement):
    components = fields.List(fields.Nested(StatementComponent), required=True)


class StatementPage(Paged):
    items = fields.List(fields.Nested(Statement), required=True)


class AccruedBalance(Schema):
    partner_id = fields.Integer(required=True)
    partner_code = fields.String(required=True)
    period = fields.String(required=True, metadata={"description": "Month, YYYY-MM."})
    plan_code = fields.String(required=True)
    component_id = fields.String(required=True)
    amount = _money("Accrued so far.", required=True)
    held = _money("Part of the amount held.", required=True)
    lines = fields.Integer(required=True)
    updated_at = Instant(allow_none=True)


class AccrualPage(Paged):
    period = fields.String(allow_none=True, required=True, metadata={"description": "Month, YYYY-MM."})
    amount = _money("Sum of the balances selected.", required=True)
    items = fields.List(fields.Nested(AccruedBalance), required=True)
