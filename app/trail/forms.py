"""The trail's search: an invoice by number ("2026/000012" or 12) and year, or by partner code or name."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms import StringField
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional


class TrailSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Invoice number or partner"), validators=[Optional(), Length(max=100)])
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(2000, 2100)])
