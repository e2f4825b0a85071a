"""Inbox pages: my ready tasks with filters, claim and release, the count badge, a task's page, starting a cycle."""

from flask import abort
from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

import workflows
from app.extensions import db
from app.htmx import render
from app.htmx import see_other
from app.inbox import bp
from app.inbox import tasks
from app.inbox.forms import REGISTRY
from app.inbox.forms import InboxFilterForm
from app.inbox.forms import StartCycleForm
from app.models import Role
from app.security import EVERYONE
from app.security import requires
from app.services import cycle

STARTERS = (Role.ADMIN, Role.BACKOFFICE)


@bp.route("/inbox/")
@requires(*EVERYONE)
def index():
    form = InboxFilterForm(request.args)
    form.validate()
    return render("inbox/index.html", "inbox/_task_list.html", form=form,
                  start_form=StartCycleForm() if current_user.has_role(*STARTERS) else None,
                  **tasks.inbox_context(db.session, current_user, form))


@bp.route("/inbox/count")
@requires(*EVERYONE)
def count():
    return render("inbox/_count.html", "inbox/_count.html",
                  count=len(workflows.ready_tasks(db.session, user=current_user)))


@bp.route("/inbox/start", methods=["GET", "POST"])
@requires(*STARTERS)
def start_cycle():
    form = StartCycleForm()
    if form.validate_on_submit():
        try:
            info = cycle.start_cycle(db.session, current_user, form.month.data)
            db.session.commit()
        except cycle.CycleError as exc:
            db.session.rollback()
            form.month.errors.append(str(exc))
        else:
            flash(_("The cycle of %(period)s has started.", period=info.period), "success")
            return see_other(url_for("inbox.index"))
    return render("inbox/start.html", "inbox/_start_form.html", start_form=form, status=422 if form.errors else 200)


@bp.route("/inbox/tasks/<task_id>", methods=["GET", "POST"])
@requires(*EVERYONE)
def task(task_id: str):
    info = tasks.task_or_404(db.session, task_id)
    tasks.ensure_may_act(info, current_user)
    page = REGISTRY.get(info.form_name) or abort(404)
    form, refused = page.form(task=info), False
    if info.status == "open" and form.validate_on_submit():
        done = tasks.complete(db.session, current_user, info, form)
        flash(done.message, "success" if done.ok else "error")
        if done.ok or not done.stay:
            return redirect(url_for("inbox.index"), code=303)
        refused = True
    if request.method == "POST" and info.status != "open":
        flash(tasks.not_open_message(db.session, info), "error")
        return redirect(url_for("inbox.index"), code=303)
    return render("inbox/task.html", page.template, task=info, form=form, form_template=page.template,
                  status=422 if form.errors or refused else 200,
                  **tasks.page_context(db.session, info, page))


@bp.route("/inbox/tasks/<task_id>/claim", methods=["POST"])
@requires(*EVERYONE)
def claim(task_id: str):
    return _claim_or_release(task_id, workflows.claim_task)


@bp.route("/inbox/tasks/<task_id>/release", methods=["POST"])
@requires(*EVERYONE)
def release(task_id: str):
    return _claim_or_release(task_id, workflows.release_task)


def _claim_or_release(task_id: str, verb):
    info = tasks.task_or_404(db.session, task_id)
    tasks.ensure_may_act(info, current_user)
    try:
        info = verb(db.session, task_id, current_user)
        db.session.commit()
    except workflows.WorkflowError as exc:
        db.session.rollback()
        flash(tasks.error_message(exc), "error")
    return redirect(tasks.safe_next(request.form.get("next")) or url_for("inbox.index"), code=303)
