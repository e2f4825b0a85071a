"""Forms of the settings pages: a new value of a setting from a date, an accounting mapping, the mapping filter."""

from datetime import date
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func
from sqlalchemy import select
from wtforms import DateField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import Regexp
from wtforms.validators import ValidationError

from app.extensions import db
from app.models import CommissionPeriod
from app.models import Partner
from app.models import Statement
from app.services import accounting
from app.services.accounting_export import company_code
from app.settings import principal as principal_fields
from calc.inputs import next_month

YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
SETTING_LABELS = {
    "principal_split_payment": (_l("Principal in split payment"), _l(
        "Yes when the principal is on the government lists of publicly controlled companies: it pays the VAT "
        "of the invoices to the State and the partners receive the net without VAT.")),
    "stamp_rebilled": (_l("Stamp duty re-billed"), _l(
        "Yes to add the EUR 2.00 stamp of flat-rate partners' invoices above EUR 77.47 to the document total "
        "and the net payable.")),
    "enasarco_payment_reason": (_l("ENASARCO payment reason (RT04)"), _l(
        "CausalePagamento of the ENASARCO withholding in the e-invoice: ZO (software houses' convention), "
        "R or Q.")),
    "dispute_window_days": (_l("Dispute window (days)"), _l(
        "Days a partner has to accept or dispute a published statement.")),
    "resolution_sla_days": (_l("Dispute resolution SLA (days)"), _l(
        "Days the back-office has to resolve a dispute.")),
    "payment_terms_days": (_l("Payment terms (days)"), _l("Days from the invoice date to its payment.")),
    company_code.KEY: (_l("SAP company code"), _l(
        "The principal's company code in SAP (BUKRS), written in every row of the accounting export: 4 letters "
        "or digits, e.g. IT01. Each export uses the code in force on its posting date.")),
    **principal_fields.setting_labels(),
}
MAPPING_KIND_LABELS = {
    "vendor": _l("Vendor (per partner code)"),
    "gl_account": _l("GL account (per line kind)"),
    "cost_centre": _l("Cost centre (per region)"),
    "tax_code": _l("Tax code (per VAT or withholding case)"),
}


def _upper(value):
    return value.strip().upper() if isinstance(value, str) else value


def _value_field():
    return {
        "principal_split_payment": SelectField(_l("New value"), choices=YES_NO),
        "stamp_rebilled": SelectField(_l("New value"), choices=YES_NO),
        "enasarco_payment_reason": SelectField(_l("New value"), choices=[("ZO", "ZO"), ("R", "R"), ("Q", "Q")]),
        "dispute_window_days": IntegerField(_l("New value"), validators=[InputRequired(), NumberRange(1, 90)]),
        "resolution_sla_days": IntegerField(_l("New value"), validators=[InputRequired(), NumberRange(1, 60)]),
        "payment_terms_days": IntegerField(_l("New value"), validators=[InputRequired(), NumberRange(0, 180)]),
        company_code.KEY: StringField(_l("New value"), filters=[_upper], validators=[InputRequired(), Regexp(
            company_code.PATTERN, message=_l("An SAP company code has 4 letters or digits, e.g. IT01."))]),
        **principal_fields.value_fields(_l("New value")),
    }


def published_through() -> date | None:
    """Return the last day of the latest period with published statements."""
    month = db.session.scalar(select(func.max(CommissionPeriod.month))
                              .join(Statement, Statement.period_id == CommissionPeriod.id))
    return None if month is None else next_month(month) - timedelta(days=1)


def day_after(last: date | None) -> date:
    """Return the first day a new value may start: today, or the day after ``last`` when that is later."""
    return date.today() if last is None else max(date.today(), last + timedelta(days=1))


def first_open_day() -> date:
    """Return the first day a new value may start: today, or the day after the last published period."""
    return day_after(published_through())


class SettingForm(FlaskForm):
    """A new value of one setting from a date (the value field is typed by ``setting_form``).

    A value cannot start on or before the last day whose documents used the values then in force:
    ``closed_through`` tells that day, ``CLOSED_MESSAGE`` what to say (published statements, by default).
    """

    valid_from = DateField(_l("Valid from"), validators=[DataRequired()])
    CLOSED_MESSAGE = _l("Statements up to %(day)s are published with the values in force then: choose a later date.")

    @staticmethod
    def closed_through() -> date | None:
        """Return the last day closed to new values (None: every day is open)."""
        return published_through()

    def validate_valid_from(self, field):
        last = self.closed_through()
        if field.data and last is not None and field.data <= last:
            raise ValidationError(self.CLOSED_MESSAGE % {"day": last.isoformat()})

    def setting_value(self):
        """Return the value typed as the setting's default is."""
        data = self.value.data
        return data == "yes" if data in ("yes", "no") else data

    @classmethod
    def first_day(cls) -> date:
        """Return the first day a new value may start (the date the form proposes)."""
        return day_after(cls.closed_through())


class CompanyCodeForm(SettingForm):
    """A new SAP company code from a date: it enters no statement, only the exports posted from that date on."""

    CLOSED_MESSAGE = _l("Batches exported up to %(day)s keep the company code they were exported with: choose a "
                        "later date.")

    @staticmethod
    def closed_through() -> date | None:
        """Return the posting date of the latest export."""
        return company_code.last_posting_date(db.session)


SETTING_FORMS = {company_code.KEY: CompanyCodeForm}


def setting_form(key: str, current=None) -> SettingForm:
    """Return the form of setting ``key``, its value preset to ``current`` from the first day open to changes."""
    base = SETTING_FORMS.get(key, SettingForm)
    form_class = type(f"{key}_form", (base,), {"value": _value_field()[key]})
    if isinstance(current, bool):
        current = "yes" if current else "no"
    return form_class(prefix=key, data={"value": current, "valid_from": base.first_day()})


class PrincipalForm(SettingForm):
    """The principal's registry data from a date (its fields are added by ``principal_form``)."""

    def registry_values(self) -> dict[str, str]:
        """Return the registry fields as entered (cleaned), by name."""
        return {name: self[name].data or "" for name in principal_fields.REGISTRY_FIELDS}


def principal_form(current: dict[str, str]) -> PrincipalForm:
    """Return the principal's form, preset to the data in force ``current``, from the first day open to changes."""
    form_class = type("PrincipalRegistryForm", (PrincipalForm,), principal_fields.principal_form_fields())
    return form_class(prefix="principal", data={**current, "valid_from": first_open_day()})


class MappingForm(FlaskForm):
    """An accounting mapping: (kind, key) -> value."""

    kind = SelectField(_l("Kind"), choices=list(MAPPING_KIND_LABELS.items()))
    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=60),
                                             Regexp(r"^[^/]+$", message=_l("A key cannot contain '/'."))])
    value = StringField(_l("Value"), validators=[DataRequired(), Length(max=60)])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args, mapping=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mapping = mapping

    def validate_key(self, field):
        key = field.data.strip()
        if self.kind.data == "vendor" and db.session.scalar(select(Partner.id).where(Partner.code == key)) is None:
            raise ValidationError(_l("No partner has the code %(key)s.", key=key))
        if self.kind.data == "gl_account" and key not in accounting.gl_keys():
            raise ValidationError(_l("A GL account is mapped to a line kind or posting item: %(keys)s.",
                                     keys=", ".join(accounting.gl_keys())))
        taken = accounting.lookup(db.session, self.kind.data, field.data.strip())
        original = (self.mapping.kind, self.mapping.key) if self.mapping is not None else None
        if taken is not None and original != (self.kind.data, field.data.strip()):
            raise ValidationError(_l("This key is already mapped to %(value)s.", value=taken))


class MappingFilterForm(FlaskForm):
    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), choices=[("", "—"), *MAPPING_KIND_LABELS.items()], validators=[Optional()])
    q = StringField(_l("Search"), validators=[Optional(), Length(max=60)])
