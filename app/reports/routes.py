"""Tax report pages: ENASARCO per quarter, FIRR per year, F24 withholding per month.

Each page is one resource in three representations: the HTML page (or its fragment for HTMX) and the same
figures as a CSV or XLSX file (``/reports/enasarco.xlsx?year=2026&quarter=1``).
"""

from flask import Response
from flask import request
from flask_babel import gettext as _

from app.extensions import db
from app.htmx import render
from app.models import Role
from app.reports import bp
from app.reports import labels
from app.reports.forms import MonthForm
from app.reports.forms import QuarterForm
from app.reports.forms import YearForm
from app.security import requires
from app.services import tax_reports

VIEWERS = (Role.FINANCE, Role.AUDITOR, Role.ADMIN, Role.BACKOFFICE_LEAD)
# Bare media types: Werkzeug adds "; charset=utf-8" to a text/* mimetype itself.
MIMETYPES = {"csv": "text/csv",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
FORMATS = "<any(csv, xlsx):fmt>"


def _download(report, fmt: str, name: str, title: str) -> Response:
    headers, total = labels.headers(report.columns), _("Total")
    if fmt == "csv":
        content = tax_reports.to_csv(report, headers, total, labels.value_labels())
    else:
        content = tax_reports.to_xlsx(report, headers, total, title, labels.value_labels())
    return Response(content, mimetype=MIMETYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


def _respond(name: str, form, fmt: str | None, compute, file_name, title):
    """Return the report as a page, a fragment or a file; a bad period re-renders the picker with 422."""
    report = compute() if form.validate() else None
    if report is not None and fmt:
        return _download(report, fmt, file_name(report), title(report))
    return render(f"reports/{name}.html", f"reports/_{name}.html", form=form, report=report,
                  labels=labels.COLUMN_LABELS, mandates=labels.MANDATE_LABELS, args=request.args.to_dict(),
                  status=200 if report is not None else 422)


@bp.route("/enasarco", defaults={"fmt": None})
@bp.route(f"/enasarco.{FORMATS}")
@requires(*VIEWERS)
def enasarco(fmt):
    form = QuarterForm(request.args)
    return _respond("enasarco", form, fmt,
                    lambda: tax_reports.enasarco_quarter(db.session, form.year.data, form.quarter.data),
                    lambda r: f"enasarco-{r.year}-Q{r.quarter}", lambda r: f"ENASARCO {r.year} Q{r.quarter}")


@bp.route("/firr", defaults={"fmt": None})
@bp.route(f"/firr.{FORMATS}")
@requires(*VIEWERS)
def firr(fmt):
    form = YearForm(request.args)
    return _respond("firr", form, fmt, lambda: tax_reports.firr_year(db.session, form.year.data),
                    lambda r: f"firr-{r.year}", lambda r: f"FIRR {r.year}")


@bp.route("/withholding", defaults={"fmt": None})
@bp.route(f"/withholding.{FORMATS}")
@requires(*VIEWERS)
def withholding(fmt):
    form = MonthForm(request.args)
    return _respond("withholding", form, fmt, lambda: tax_reports.withholding_month(db.session, form.month.data),
                    lambda r: f"ritenute-f24-{r.month:%Y-%m}", lambda r: f"F24 {r.tax_code} {r.month:%Y-%m}")
