"""Run pages: the periods, starting a calculation and following its progress, a run's totals per partner and
per component, the differences between two versions, and a partner's lines with their explanation."""

from datetime import date
from itertools import groupby

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.htmx import render
from app.htmx import wants_fragment
from app.models import CalculationRun
from app.models import Partner
from app.models import Role
from app.models import RunStatus
from app.plans.routes import READERS as PLAN_READERS
from app.runs import bp
from app.runs.forms import CalculateForm
from app.runs.forms import CompareForm
from app.runs.forms import ResultSearchForm
from app.security import EVERYONE
from app.security import ensure_partner_visible
from app.security import is_staff
from app.security import requires
from app.services.calculation import jobs
from app.services.calculation import results
from app.services.calculation.explain import explain
from calc.inputs import period_from_text

READERS = (Role.ADMIN, Role.BACKOFFICE, Role.BACKOFFICE_LEAD, Role.SALES_MANAGER, Role.FINANCE, Role.AUDITOR)
RUNNERS = (Role.ADMIN, Role.BACKOFFICE, Role.BACKOFFICE_LEAD)
LINES_PER_PAGE = 100


def _month(value: str) -> date:
    try:
        return period_from_text(value)
    except ValueError:
        abort(404)


def _search_form() -> ResultSearchForm:
    form = ResultSearchForm(request.args)
    form.validate()
    return form


@bp.route("/")
@requires(*READERS)
def index():
    app = current_app._get_current_object()
    rows = results.periods(db.session)
    running = {row.period.month for row in rows if (job := jobs.current(app, row.period.month)) and not job.finished}
    can_run = current_user.has_role(*RUNNERS)
    return render("runs/index.html", "runs/_period_table.html", rows=rows, running=running, can_run=can_run,
                  form=CalculateForm() if can_run else None)


@bp.route("/calculate", methods=["GET", "POST"])
@requires(*RUNNERS)
def calculate():
    form = CalculateForm()
    if form.validate_on_submit():
        month = form.month.data
        try:
            job = jobs.start(current_app._get_current_object(), current_user, month)
            if job.state == "failed":
                flash(_("The calculation of %(period)s failed.", period=f"{month:%Y-%m}"), "error")
            else:
                flash(_("Calculation of %(period)s started.", period=f"{month:%Y-%m}"), "success")
        except jobs.AlreadyRunning:
            flash(_("%(period)s is already being calculated.", period=f"{month:%Y-%m}"), "warning")
        return redirect(url_for("runs.period", month=f"{month:%Y-%m}"), code=303)
    return render("runs/calculate.html", "runs/_calculate_form.html", form=form,
                  status=422 if form.errors else 200)


def progress_context(month: date) -> dict:
    """Return the state of the latest calculation of ``month``: from this process's job, else from the runs."""
    job = jobs.current(current_app._get_current_object(), month)
    period = results.period_of(db.session, month)
    latest = results.latest_run(db.session, period) if period else None
    context = {"month": month, "label": f"{month:%Y-%m}", "job": job, "run": None, "reused": False}
    if job is not None:
        run = db.session.get(CalculationRun, job.outcome.run_id) if job.outcome else None
        context.update(state=job.state, percent=job.percent, message=job.message, error=job.error, run=run,
                       reused=bool(job.outcome and job.outcome.reused))
    elif latest is not None and latest.status == RunStatus.FAILED:
        context.update(state="failed", percent=latest.progress, message="", error=latest.error, run=latest)
    elif latest is not None:
        context.update(state="succeeded", percent=100, message="", error=None, run=latest)
    else:
        context.update(state="idle", percent=0, message="", error=None)
    return context


@bp.route("/<month>/progress")
@requires(*READERS)
def progress(month: str):
    context = progress_context(_month(month))
    response = render("runs/progress.html", "runs/_progress.html", progress=context)
    if wants_fragment() and request.args.get("poll") and context["state"] != "running":
        response.headers["HX-Refresh"] = "true"  # the run has finished: reload the page with its results
    return response


def period_context(month: date, form: ResultSearchForm, components: bool = True) -> dict:
    """Return what a period's page shows; without ``components``, only what its partner-totals fragment shows
    (which has no totals per component)."""
    period = results.period_of(db.session, month)
    run = results.run_of(db.session, period, form.v.data)
    context = {"month": month, "label": f"{month:%Y-%m}", "period": period, "run": run, "form": form,
               "versions": results.runs_of(db.session, period), "progress": progress_context(month),
               "can_run": current_user.has_role(*RUNNERS), "page": None, "components": []}
    if results.succeeded(run):
        context["page"] = results.partner_totals(db.session, run.id, form.q.data, form.page.data or 1,
                                                 current_app.config["PAGE_SIZE"])
        if components:
            context["components"] = results.component_totals(db.session, run.id)
    return context


@bp.route("/<month>")
@requires(*READERS)
def period(month: str):
    context = period_context(_month(month), _search_form(), components=not wants_fragment())
    return render("runs/period.html", "runs/_partner_totals.html", **context)


@bp.route("/<month>/compare")
@requires(*READERS)
def compare(month: str):
    day = _month(month)
    form = CompareForm(request.args)
    form.validate()
    period = results.period_of(db.session, day)
    versions = [run for run in results.runs_of(db.session, period) if results.succeeded(run)]
    numbers = [run.version for run in versions]
    b = form.b.data if form.b.data in numbers else (numbers[0] if numbers else None)
    a = form.a.data if form.a.data in numbers else next((n for n in numbers if b and n < b), b)
    by_number = {run.version: run for run in versions}
    rows = results.differences(db.session, by_number[a], by_number[b]) if a and b and a != b else []
    return render("runs/compare.html", "runs/_compare_table.html", label=month, month=day, numbers=numbers,
                  a=a, b=b, runs=by_number, rows=rows)


def lines_context(month: date, partner: Partner, form: ResultSearchForm) -> dict:
    """Return what a partner's lines page and its fragment show: lines grouped by component, explained."""
    period = results.period_of(db.session, month)
    run = results.run_of(db.session, period, form.v.data)
    context = {"month": month, "label": f"{month:%Y-%m}", "partner": partner, "run": run, "page": None,
               "groups": [], "components": {}, "explanations": {}, "form": form,
               "can_read_runs": current_user.has_role(*READERS), "can_read_plans": current_user.has_role(*PLAN_READERS)}
    if results.succeeded(run):
        page = results.paginate(db.session, results.partner_lines(run.id, partner.id), form.page.data or 1,
                                LINES_PER_PAGE)
        lines = [row[0] for row in page.items]
        context.update(page=page, explanations=explain(db.session, lines),
                       groups=[(key, list(group)) for key, group in groupby(lines, key=_component_key)],
                       components={(c.plan_code, c.plan_version, c.component_id): c
                                   for c in results.component_totals(db.session, run.id, partner.id)})
    return context


def _component_key(line) -> tuple:
    return line.plan_code, line.plan_version, line.component_id


@bp.route("/<month>/partners/<int:partner_id>")
@requires(*EVERYONE)
def partner_lines(month: str, partner_id: int):
    day = _month(month)
    partner = db.session.get(Partner, partner_id) or abort(404)
    ensure_partner_visible(current_user, partner.id, day)
    if not is_staff(current_user) and not results.released_to_partners(db.session, day):
        abort(404)  # a partner sees a period's lines once the back-office has validated the calculation
    return render("runs/partner.html", "runs/_partner_lines.html", **lines_context(day, partner, _search_form()))
