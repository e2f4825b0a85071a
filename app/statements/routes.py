"""Statement pages: the statements of a period for the staff, and one partner's statement with its lines
explained, on screen, as a workbook and as a PDF, for the staff and for the partner and its upline; its disputes,
their attachments, and the back-office's answer on disputes carried into its period."""

from datetime import date

from flask import Response
from flask import abort
from flask import flash
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

import workflows
from app.extensions import db
from app.htmx import render
from app.htmx import see_other
from app.models import Role
from app.models.statement import Dispute
from app.plans.routes import READERS as PLAN_READERS
from app.security import EVERYONE
from app.security import STAFF
from app.security import ensure_partner_visible
from app.security import requires
from app.services import pdf as pdf_files
from app.services.disputes import raising
from app.services.disputes import resolving
from app.services.principal import PrincipalMissing
from app.services.principal import principal_on
from app.services.statements import publishing
from app.statements import bp
from app.statements import context as statements
from app.statements import disputes as dispute_inputs
from app.statements.workbook import to_xlsx
from app.statements.workbook import totals_rows
from calc.inputs import period_from_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ATTACHMENT_READERS = (Role.PARTNER, Role.BACKOFFICE, Role.BACKOFFICE_LEAD, Role.AUDITOR, Role.ADMIN)
ANSWERERS = (Role.BACKOFFICE, Role.BACKOFFICE_LEAD)


def _month(value: str) -> date:
    try:
        return period_from_text(value)
    except ValueError:
        abort(404)


def _visible_context(month: str, partner_id: int) -> dict:
    """Return the context of the partner's published statement, after the scope check (403), else 404."""
    day = _month(month)
    ensure_partner_visible(current_user, partner_id, day)
    statement = publishing.published(db.session, day, partner_id) or abort(404)
    return statements.statement_context(db.session, statement)


@bp.route("/<month>")
@requires(*STAFF)
def period(month: str):
    day = _month(month)
    return render("statements/period.html", label=f"{day:%Y-%m}", statements=statements.of_period(db.session, day))


def _review_task(label: str, partner_id: int) -> workflows.HumanTaskInfo | None:
    """Return the open review task of the statement when the signed-in user is its partner."""
    if current_user.partner_id != partner_id:
        return None
    instance = workflows.find_instance(db.session, "statement_review", f"{label}/partner-{partner_id}")
    if instance is None:
        return None
    return next((t for t in workflows.ready_tasks(db.session, instance_id=instance.id)
                 if t.bpmn_id == "review_statement"), None)


def _page(context: dict, form: FlaskForm | None = None, status: int = 200):
    form = form or FlaskForm()
    form.line_errors = getattr(form, "line_errors", {})
    answering = current_user.has_role(*ANSWERERS) and bool(statements.carried_in_pending(context))
    return render("statements/detail.html", "statements/_statement.html", status=status,
                  totals=totals_rows(context["statement"]), can_read_plans=current_user.has_role(*PLAN_READERS),
                  can_list=current_user.has_role(*STAFF), review_task=_review_task(context["label"],
                                                                                   context["partner"].id),
                  answering=answering, form=form, values=request.form, **context)


@bp.route("/<month>/partners/<int:partner_id>")
@requires(*EVERYONE)
def detail(month: str, partner_id: int):
    return _page(_visible_context(month, partner_id))


@bp.route("/<month>/partners/<int:partner_id>/carried-disputes", methods=["POST"])
@requires(*ANSWERERS)
def answer_carried(month: str, partner_id: int):
    context = _visible_context(month, partner_id)
    pending = statements.carried_in_pending(context)
    if not pending:
        flash(_("No carried disputed line waits for an answer on this statement."), "info")
        return see_other(url_for("statements.detail", month=month, partner_id=partner_id))
    form = FlaskForm()
    form.line_errors = {}
    if form.validate_on_submit():
        decisions, form.line_errors = dispute_inputs.decisions(request.form, pending)
        if not form.line_errors and decisions:
            try:
                resolving.resolve(db.session, current_user, decisions)
                db.session.commit()
            except raising.DisputeError as exc:
                db.session.rollback()
                form.form_errors.append(str(exc))
            else:
                flash(_("%(n)s carried disputed lines answered.", n=len(decisions)), "success")
                return see_other(url_for("statements.detail", month=month, partner_id=partner_id))
        elif not decisions and not form.line_errors:
            form.form_errors.append(_("Answer at least one disputed line."))
    return _page(context, form, status=422)


@bp.route("/<month>/partners/<int:partner_id>.pdf")
@requires(*EVERYONE)
def pdf(month: str, partner_id: int):
    context = _visible_context(month, partner_id)
    try:
        principal = principal_on(db.session, context["statement"].published_at.date())
    except PrincipalMissing as missing:
        flash(str(missing) if current_user.has_role(*STAFF) else _("The statement cannot be printed yet."), "error")
        return see_other(url_for("statements.detail", month=month, partner_id=partner_id))
    html = render_template("statements/pdf.html", principal=principal, totals=totals_rows(context["statement"]),
                           **context)
    name = f"statement-{context['partner'].code}-{context['label']}.pdf"
    return Response(pdf_files.render(html), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/disputes/<int:dispute_id>/attachment")
@requires(*ATTACHMENT_READERS)
def attachment(dispute_id: int):
    dispute = db.session.get(Dispute, dispute_id)
    if dispute is None or dispute.attachment is None:
        abort(404)
    ensure_partner_visible(current_user, dispute.statement.partner_id, dispute.statement.period.month)
    name = dispute.attachment_name or f"dispute-{dispute.id}"
    return Response(dispute.attachment, mimetype=raising.mimetype_of(name),
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "X-Content-Type-Options": "nosniff"})


@bp.route("/<month>/partners/<int:partner_id>.xlsx")
@requires(*EVERYONE)
def workbook(month: str, partner_id: int):
    context = _visible_context(month, partner_id)
    name = f"statement-{context['partner'].code}-{context['label']}.xlsx"
    return Response(to_xlsx(context), mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


