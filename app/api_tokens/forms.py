"""The form that creates an API token: a name, its scopes, and the partner it may be limited to."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import widgets
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from app.extensions import db
from app.services import api_tokens
from app.services import partners


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)],
                       description=_l("Who uses the token, e.g. \"CRM production\"."))
    scopes = CheckboxesField(_l("Scopes"), choices=list(api_tokens.SCOPES.items()))
    partner_code = StringField(_l("Limited to partner (code)"), validators=[Optional(), Length(max=32)],
                               description=_l("Empty for the whole network; a partner's token reads that partner "
                                              "and its downline only."))

    partner = None

    def validate_scopes(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one scope."))

    def validate_partner_code(self, field):
        self.partner = partners.by_code(db.session, field.data)
        if self.partner is None:
            raise ValidationError(_l("No partner has this code."))
        if not set(self.scopes.data or []) <= api_tokens.READ_SCOPES:
            raise ValidationError(_l("A token limited to a partner can only read."))
