"""Forms of the run pages: the period to calculate, searches."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms import MonthField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from app.extensions import db
from app.services.calculation import results


def previous_month(today: date | None = None) -> date:
    """Return the first day of the month before ``today``'s (the period usually calculated)."""
    today = today or date.today()
    return date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)


class CalculateForm(FlaskForm):
    """The month to calculate; an approved (locked) period is refused."""

    month = MonthField(_l("Period"), validators=[DataRequired()], default=previous_month)

    def validate_month(self, field):
        period = results.period_of(db.session, field.data)
        if period is not None and period.locked:
            raise ValidationError(_l("%(period)s is approved and locked: the next open period's run books "
                                     "corrections to it as deltas.", period=period.label))


class ResultSearchForm(FlaskForm):
    """Query-string filters of the result pages (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    v = IntegerField(_l("Version"), validators=[Optional(), NumberRange(min=1)])
    page = IntegerField(validators=[Optional(), NumberRange(min=1)], default=1)


class CompareForm(FlaskForm):
    class Meta:
        csrf = False

    a = IntegerField(_l("Version"), validators=[Optional(), NumberRange(min=1)])
    b = IntegerField(_l("with version"), validators=[Optional(), NumberRange(min=1)])
