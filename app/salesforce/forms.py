"""Forms of the connector: the connection (secrets never pre-filled), an object's field mapping, "sync now"."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import IntegerField
from wtforms import PasswordField
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import URL
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import Regexp
from wtforms.validators import ValidationError

from app.services.imports.layouts import Layout
from app.services.salesforce import mapping
from app.services.salesforce.connection import CLIENT_CREDENTIALS
from app.services.salesforce.connection import REFRESH_TOKEN
from app.services.salesforce.connection import Setup

FIELD_PREFIX = "field_"


class ConnectionForm(FlaskForm):
    """Where Salesforce is and how to sign in; an empty secret keeps the stored one."""

    instance_url = StringField(_l("Instance URL"), validators=[DataRequired(), URL(require_tld=False), Length(max=255)])
    token_url = StringField(_l("Token URL"), validators=[DataRequired(), URL(require_tld=False), Length(max=255)])
    client_id = StringField(_l("Consumer key (client id)"), validators=[DataRequired(), Length(max=255)])
    client_secret = PasswordField(_l("Consumer secret"), validators=[Length(max=500)])
    auth_flow = SelectField(_l("Sign-in flow"), choices=[(CLIENT_CREDENTIALS, _l("Client credentials")),
                                                         (REFRESH_TOKEN, _l("Refresh token"))])
    refresh_token = PasswordField(_l("Refresh token"), validators=[Length(max=1000)])
    api_version = StringField(_l("API version"), default="v60.0",
                              validators=[DataRequired(), Regexp(r"^v\d{2,3}\.0$", message=_l("Like v60.0."))])
    interval_minutes = IntegerField(_l("Scheduled sync every (minutes)"), default=60,
                                    validators=[DataRequired(), NumberRange(min=5, max=1440)])
    scheduled = BooleanField(_l("Run the scheduled sync"))

    def __init__(self, *args, has_secret: bool = False, has_refresh_token: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_secret, self.has_refresh_token = has_secret, has_refresh_token

    def setup(self) -> Setup:
        """Return the visible settings entered."""
        return Setup(self.instance_url.data.strip(), self.token_url.data.strip(), self.client_id.data.strip(),
                     self.auth_flow.data, self.api_version.data, self.interval_minutes.data, self.scheduled.data)

    def validate_client_secret(self, field) -> None:
        if not field.data and not self.has_secret:
            raise ValidationError(_l("Enter the consumer secret."))

    def validate_refresh_token(self, field) -> None:
        if self.auth_flow.data == REFRESH_TOKEN and not field.data and not self.has_refresh_token:
            raise ValidationError(_l("The refresh-token flow needs a refresh token."))


class MappingForm(FlaskForm):
    """The Salesforce object of a target, its condition, and (added per layout) one Salesforce field per field."""

    sobject = StringField(_l("Salesforce object"), validators=[DataRequired(), Length(max=80)])
    condition = StringField(_l("Only records where (SOQL)"), validators=[Optional(), Length(max=500)])

    def field_values(self) -> dict[str, str]:
        """Return the mapping entered: Mandato field → Salesforce field."""
        return {name[len(FIELD_PREFIX):]: (f.data or "").strip()
                for name, f in self._fields.items() if name.startswith(FIELD_PREFIX)}

    def mapping_fields(self) -> list:
        return [f for name, f in self._fields.items() if name.startswith(FIELD_PREFIX)]

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        try:
            mapping.check(self.target, self.sobject.data.strip(), self.condition.data, self.field_values())
        except mapping.MappingError as exc:
            self.sobject.errors = [*self.sobject.errors, str(exc)]
            return False
        return True


def mapping_form(layout: Layout, current: mapping.ObjectMapping) -> MappingForm:
    """Return the mapping form of ``layout``'s target, proposing the mapping in force."""

    class LayoutMappingForm(MappingForm):
        pass

    for field in layout.fields:
        setattr(LayoutMappingForm, FIELD_PREFIX + field.name, StringField(
            field.name, default=current.fields.get(field.name, ""), validators=[Optional(), Length(max=200)]))
    form = LayoutMappingForm(sobject=current.sobject, condition=current.condition or "")
    form.target = layout.source
    return form


class SyncForm(FlaskForm):
    """The "sync now" button: a CSRF token only."""
