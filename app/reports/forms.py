"""The period pickers of the tax reports: GET forms, so a report has a URL that can be bookmarked and shared."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import MonthField
from wtforms import SelectField
from wtforms.validators import DataRequired

from app.services.tax_reports import report_years
from calc.tax import withholding_f24


def _default_year() -> int:
    years = report_years()
    return date.today().year if date.today().year in years else years[-1]


def month_due_next(today: date | None = None) -> date:
    """Return the month of payments whose F24 is due next: last month's up to its due day (the 16th), then this
    month's."""
    today = today or date.today()
    this = today.replace(day=1)
    last = date(this.year - 1, 12, 1) if this.month == 1 else date(this.year, this.month - 1, 1)
    return last if withholding_f24(last).due_date >= today else this


class _ReadForm(FlaskForm):
    class Meta:
        csrf = False


class YearForm(_ReadForm):
    """A year with known ENASARCO figures."""

    year = SelectField(_l("Year"), coerce=int, validators=[DataRequired()], default=_default_year)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.year.choices = [(year, str(year)) for year in reversed(report_years())]


class QuarterForm(YearForm):
    """A quarter of a year."""

    quarter = SelectField(_l("Quarter"), coerce=int, validators=[DataRequired()],
                          choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)],
                          default=lambda: (date.today().month - 1) // 3 + 1)


class MonthForm(_ReadForm):
    """A calendar month (of payments)."""

    month = MonthField(_l("Month of payment"), validators=[DataRequired()], default=month_due_next)
