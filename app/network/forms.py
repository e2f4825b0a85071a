"""Forms of the network browser: search, partner details, a change of parent."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import DateField
from wtforms import DecimalField
from wtforms import EmailField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Email
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import Regexp
from wtforms.validators import ValidationError

from app.labels import FISCAL_LABELS
from app.models import PartnerKind


class SearchForm(FlaskForm):
    """Query-string filters (GET): no CSRF token needed for a read."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    kind = SelectField(_l("Kind"), choices=[("", "—")] + [(k.value, k.value) for k in PartnerKind],
                       validators=[Optional()])
    as_of = DateField(_l("As of"), validators=[Optional()])


class PartnerDetailsForm(FlaskForm):
    """Contact and payment details the back-office keeps up to date."""

    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=200)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Regexp(r"^\d{5}$")])
    iban = StringField(_l("IBAN"), validators=[Optional(), Length(max=34)])

    def validate_iban(self, field):
        from stdnum import iban

        if field.data and not iban.is_valid(field.data):
            raise ValidationError(_l("Not a valid IBAN."))


class MovePartnerForm(FlaskForm):
    """Give a partner a new parent from a date."""

    new_parent_code = StringField(_l("New parent (code)"), validators=[Optional(), Length(max=32)])
    valid_from = DateField(_l("From"), validators=[DataRequired()], default=date.today)


class ContractSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Status"), validators=[Optional()])
    partner = IntegerField(validators=[Optional()])


class FiscalProfileForm(FlaskForm):
    """A partner's fiscal profile from a date."""

    valid_from = DateField(_l("Valid from"), validators=[DataRequired()], default=date.today)
    fiscal_category = SelectField(_l("Fiscal category"), choices=list(FISCAL_LABELS["fiscal_category"].items()))
    legal_form = SelectField(_l("Legal form"), choices=list(FISCAL_LABELS["legal_form"].items()))
    vat_regime = SelectField(_l("VAT regime"), choices=list(FISCAL_LABELS["vat_regime"].items()))
    enasarco = SelectField("ENASARCO", choices=list(FISCAL_LABELS["enasarco"].items()))
    reduced_withholding_base = BooleanField(_l("Reduced withholding base declared (20%)"))
    enasarco_rate_override = DecimalField(_l("ENASARCO agent rate override (e.g. 0.0425)"), places=6,
                                          validators=[Optional(), NumberRange(min=0, max=1)])
