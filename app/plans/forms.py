"""Forms of the plan pages: search, the YAML editor and upload, assignments, the versions to compare."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import DateField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from app.extensions import db
from app.services import partners
from app.services import plans
from calc.plan import PlanError

MAX_YAML = 200_000


class PlanSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])


class PlanEditorForm(FlaskForm):
    """A plan document as YAML, checked by the plan reader (syntax, shape, references, formulas)."""

    source = TextAreaField(_l("Plan document (YAML)"), validators=[DataRequired(), Length(max=MAX_YAML)])
    document = None

    def validate_source(self, field):
        try:
            self.document = plans.parse_yaml(field.data)
        except PlanError as exc:
            raise ValidationError(str(exc)) from None


class PlanUploadForm(FlaskForm):
    """A YAML file stored as a new draft."""

    file = FileField(_l("YAML file"), validators=[FileRequired(), FileAllowed(["yaml", "yml"], _l("A .yaml file."))])
    source = None

    def validate_file(self, field):
        raw = field.data.read(MAX_YAML + 1)
        if len(raw) > MAX_YAML:
            raise ValidationError(_l("The file is too large."))
        try:
            self.source = raw.decode("utf-8-sig")
            plans.parse_yaml(self.source)
        except UnicodeDecodeError:
            raise ValidationError(_l("The file is not UTF-8 text.")) from None
        except PlanError as exc:
            raise ValidationError(str(exc)) from None


class AssignmentForm(FlaskForm):
    """Assign the plan to one partner (by code) or to a group, over a date range."""

    partner_code = StringField(_l("Partner (code)"), validators=[Optional(), Length(max=32)])
    group = SelectField(_l("or group"), validators=[Optional()])
    valid_from = DateField(_l("Valid from"), validators=[DataRequired()], default=date.today)
    valid_to = DateField(_l("Valid to (excluded)"), validators=[Optional()])
    partner = None

    def validate_partner_code(self, field):
        if bool(field.data) == bool(self.group.data):
            raise ValidationError(_l("Choose a partner or a group, not both."))
        if field.data:
            self.partner = partners.by_code(db.session, field.data)
            if self.partner is None:
                raise ValidationError(_l("No partner with code %(code)s.", code=field.data))

    def validate_valid_to(self, field):
        if field.data and self.valid_from.data and field.data <= self.valid_from.data:
            raise ValidationError(_l("Must be after the start."))


class EndAssignmentForm(FlaskForm):
    """End an assignment from a day (the plan no longer applies from it)."""

    valid_to = DateField(_l("Ends on"), validators=[DataRequired()], default=date.today)


class DiffForm(FlaskForm):
    class Meta:
        csrf = False

    a = IntegerField(_l("From version"), validators=[Optional()])
    b = IntegerField(_l("To version"), validators=[Optional()])
