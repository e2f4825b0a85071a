"""The filters of the invoice list: a period, a batch."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms import SelectField
from wtforms.validators import NumberRange
from wtforms.validators import Optional


class InvoiceFilterForm(FlaskForm):
    class Meta:
        csrf = False

    period = SelectField(_l("Period"), choices=[], validators=[Optional()])
    batch = IntegerField(_l("Batch"), validators=[Optional(), NumberRange(min=1)])

    def __init__(self, *args, periods: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.period.choices = [("", _l("All periods")), *((label, label) for label in periods)]
