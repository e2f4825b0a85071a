"""Plan pages: the list, a version read as tables, the YAML editor with validation, publishing, the diff
between versions, assignments, YAML download and upload. Every change goes through ``app.services.plans``."""

from datetime import date

from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.htmx import render
from app.htmx import see_other
from app.models import Plan
from app.models import PlanAssignment
from app.models import PlanStatus
from app.models import PlanVersion
from app.models import Role
from app.plans import bp
from app.plans.forms import AssignmentForm
from app.plans.forms import DiffForm
from app.plans.forms import EndAssignmentForm
from app.plans.forms import PlanEditorForm
from app.plans.forms import PlanSearchForm
from app.plans.forms import PlanUploadForm
from app.plans.starters import COMPONENTS as STARTERS
from app.plans.starters import starter
from app.security import requires
from app.services import partners
from app.services import plans
from calc.plan import PlanError

READERS = (Role.ADMIN, Role.SALES_MANAGER, Role.BACKOFFICE, Role.BACKOFFICE_LEAD, Role.FINANCE, Role.AUDITOR)
EDITORS = (Role.ADMIN, Role.SALES_MANAGER)


def _plan(code: str) -> Plan:
    return db.session.scalar(select(Plan).where(Plan.code == code)) or abort(404)


def _version(code: str, number: int) -> PlanVersion:
    return db.session.scalar(select(PlanVersion).join(Plan).where(
        Plan.code == code, PlanVersion.version == number)) or abort(404)


def _version_url(version: PlanVersion) -> str:
    return url_for("plans.version_detail", code=version.plan.code, number=version.version)


def _can_edit() -> bool:
    return current_user.has_role(*EDITORS)


@bp.route("/")
@requires(*READERS)
def index():
    form = PlanSearchForm(request.args)
    form.validate()
    page = db.paginate(plans.search(form.q.data), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    counts = plans.assignment_counts(db.session, [p.id for p in page.items], date.today())
    return render("plans/index.html", "plans/_plan_table.html", form=form, page=page, counts=counts,
                  can_edit=_can_edit())


def editor_context(form: PlanEditorForm, plan: Plan | None) -> dict:
    """Return what the editor page and its fragment show."""
    action = url_for("plans.edit", code=plan.code) if plan else url_for("plans.new")
    return {"form": form, "plan": plan, "action": action, "starters": list(STARTERS)}


def _save(form: PlanEditorForm, plan: Plan | None):
    """Save the editor's draft and redirect to it, or re-render the editor with the reason (422)."""
    if form.validate_on_submit():
        try:
            version = plans.save_draft(db.session, current_user, form.source.data,
                                       plan_code=plan.code if plan else None, new_plan=plan is None)
            db.session.commit()
            flash(_("Draft %(code)s v%(n)s saved.", code=version.plan.code, n=version.version), "success")
            return see_other(_version_url(version))
        except PlanError as exc:
            db.session.rollback()
            form.source.errors.append(str(exc))
    status = 422 if form.errors else 200
    return render("plans/editor.html", "plans/_editor.html", status=status, **editor_context(form, plan))


@bp.route("/new", methods=["GET", "POST"])
@requires(*EDITORS)
def new():
    form = PlanEditorForm()
    if request.method == "GET":
        form.source.data = starter(request.args.get("starter"), _next_month(date.today()).isoformat())
    return _save(form, None)


@bp.route("/<code>/edit", methods=["GET", "POST"])
@requires(*EDITORS)
def edit(code: str):
    plan = _plan(code)
    form = PlanEditorForm()
    if request.method == "GET":
        latest = plans.latest_version(db.session, plan)
        following = latest.version + 1
        draft = latest.status == PlanStatus.DRAFT
        form.source.data = latest.source_yaml if draft else plans.next_draft_text(latest, following, date.today())
    return _save(form, plan)


@bp.route("/validate", methods=["POST"])
@requires(*EDITORS)
def validate():
    form = PlanEditorForm()
    plan_code = request.args.get("plan") or None
    if form.validate():
        try:
            plans.check_draft(db.session, form.document, plan_code=plan_code, new_plan=plan_code is None)
        except PlanError as exc:
            form.source.errors.append(str(exc))
    return render("plans/_validation.html", form=form)


@bp.route("/<code>/v<int:number>")
@requires(*READERS)
def version_detail(code: str, number: int):
    version = _version(code, number)
    return render("plans/version.html", version=version, plan=version.plan, document=plans.document_of(version),
                  assignments=plans.assignments_of(db.session, version.plan),
                  runs=plans.runs_using(db.session, version), can_edit=_can_edit())


@bp.route("/<code>/v<int:number>/publish", methods=["POST"])
@requires(*EDITORS)
def publish(code: str, number: int):
    version = _version(code, number)
    try:
        ended = plans.publish(db.session, current_user, version)
        db.session.commit()
        flash(_("%(code)s v%(n)s is published: runs use it from %(day)s.", code=code, n=number,
                day=version.valid_from.isoformat()), "success")
        for other in ended:
            flash(_("v%(n)s now ends on %(day)s.", n=other.version, day=other.valid_to.isoformat()), "info")
    except PlanError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    return see_other(_version_url(version))


@bp.route("/<code>/v<int:number>.yaml")
@requires(*READERS)
def download(code: str, number: int):
    version = _version(code, number)
    response = Response(version.source_yaml, mimetype="application/yaml")
    response.headers.set("Content-Disposition", "attachment", filename=f"{code}-v{number}.yaml")
    return response


@bp.route("/upload", methods=["GET", "POST"])
@requires(*EDITORS)
def upload():
    form = PlanUploadForm()
    if form.validate_on_submit():
        try:
            version = plans.save_draft(db.session, current_user, form.source)
            db.session.commit()
            flash(_("Draft %(code)s v%(n)s saved.", code=version.plan.code, n=version.version), "success")
            return see_other(_version_url(version))
        except PlanError as exc:
            db.session.rollback()
            form.file.errors = [*form.file.errors, str(exc)]
    return render("plans/upload.html", "plans/_upload_form.html", form=form, status=422 if form.errors else 200)


@bp.route("/<code>/diff")
@requires(*READERS)
def diff(code: str):
    plan = _plan(code)
    form = DiffForm(request.args)
    numbers = [v.version for v in plan.versions]
    b = form.b.data if form.b.data in numbers else numbers[-1]
    a = form.a.data if form.a.data in numbers else max((n for n in numbers if n < b), default=b)
    texts = {v.version: v.source_yaml for v in plan.versions}
    rows = plans.diff(texts[a], texts[b]) if a != b else []
    return render("plans/diff.html", "plans/_diff_table.html", plan=plan, numbers=numbers, a=a, b=b, rows=rows)


def assignments_context(plan: Plan, form: AssignmentForm) -> dict:
    """Return what the assignments page and its form fragment show."""
    return {"plan": plan, "form": form, "end_form": EndAssignmentForm(),
            "assignments": plans.assignments_of(db.session, plan), "today": date.today(), "can_edit": _can_edit()}


@bp.route("/<code>/assignments", methods=["GET", "POST"])
@requires(*READERS)
def assignments(code: str):
    plan = _plan(code)
    form = AssignmentForm()
    form.group.choices = [("", "—")] + [(g, g) for g in plans.group_names(db.session)]
    if request.method == "POST" and not _can_edit():
        abort(403)
    if form.validate_on_submit():
        plans.assign(db.session, current_user, plan, form.valid_from.data, valid_to=form.valid_to.data,
                     partner_id=form.partner.id if form.partner else None, group=form.group.data or None)
        db.session.commit()
        flash(_("Plan assigned."), "success")
        return see_other(url_for("plans.assignments", code=plan.code))
    return render("plans/assignments.html", "plans/_assignment_form.html", status=422 if form.errors else 200,
                  **assignments_context(plan, form))


@bp.route("/<code>/assignments/<int:assignment_id>/end", methods=["POST"])
@requires(*EDITORS)
def end_assignment(code: str, assignment_id: int):
    plan = _plan(code)
    assignment = db.session.get(PlanAssignment, assignment_id)
    if assignment is None or assignment.plan_id != plan.id:
        abort(404)
    form = EndAssignmentForm()
    try:
        if not form.validate_on_submit():
            raise PlanError(_("Give the day the assignment ends."))
        plans.end_assignment(db.session, current_user, assignment, form.valid_to.data)
        db.session.commit()
        flash(_("Assignment ends on %(day)s.", day=form.valid_to.data.isoformat()), "success")
    except PlanError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    return see_other(url_for("plans.assignments", code=plan.code))


@bp.route("/partner-options")
@requires(*EDITORS)
def partner_options():
    q = (request.args.get("partner_code") or "").strip()[:100]
    found = db.session.scalars(partners.search(None, q).limit(20)).all() if len(q) >= 2 else []
    return render("plans/_partner_options.html", partners=found)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)
