"""Process pages: the instances, one instance with its BPMN diagram (bpmn-js), state, jobs and history, the
admins' retry of a failed step, and the auditors' search over the whole process history."""

from datetime import datetime
from datetime import timedelta

from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

import workflows
from app.extensions import db
from app.htmx import render
from app.inbox import bp
from app.inbox.forms import HistorySearchForm
from app.inbox.tasks import may_act
from app.labels import event_label
from app.models import ProcessDefinition
from app.models import Role
from app.models import User
from app.security import STAFF
from app.security import requires
from workflows.events import EVENT_TYPES

DONE_EVENTS = {"task_completed", "service_completed", "timer_fired", "message_received", "instance_completed"}
AUDITORS = (Role.AUDITOR, Role.ADMIN)


@bp.route("/processes/")
@requires(*STAFF)
def processes():
    return render("inbox/processes.html", None, instances=workflows.list_instances(db.session, limit=200))


def _instance_or_404(instance_id: int) -> workflows.ProcessInstanceInfo:
    try:
        return workflows.get_instance(db.session, instance_id)
    except workflows.InstanceNotFound:
        abort(404)


def process_context(instance_id: int) -> dict:
    """Return what a process page and its state fragment show; ``actionable`` holds the open tasks the reader may
    act on, the only ones its page links to (the others answer 403)."""
    info = _instance_or_404(instance_id)
    history = workflows.history(db.session, info.id)
    jobs = workflows.jobs_for_instance(db.session, info.id)
    open_tasks = workflows.ready_tasks(db.session, instance_id=info.id)
    active = {t.bpmn_id for t in open_tasks} | {j.bpmn_id for j in jobs if j.status in ("queued", "running")}
    if info.error_task:
        active.add(info.error_task)
    completed = {e.bpmn_id for e in history if e.event_type in DONE_EVENTS and e.bpmn_id} - active
    return {"instance": info, "history": history, "jobs": jobs, "open_tasks": open_tasks,
            "actionable": {t.id for t in open_tasks if may_act(t, current_user)},
            "markers": {"completed": sorted(completed), "active": sorted(active),
                        "error": [info.error_task] if info.error_task else []},
            "working": any(j.status in ("queued", "running") for j in jobs),
            "can_retry": info.is_error and current_user.has_role(Role.ADMIN)}


@bp.route("/processes/<int:instance_id>")
@requires(*STAFF)
def process(instance_id: int):
    return render("inbox/process.html", "inbox/_process_state.html", **process_context(instance_id))


@bp.route("/processes/<int:instance_id>/diagram.bpmn")
@requires(*STAFF)
def diagram(instance_id: int):
    info = _instance_or_404(instance_id)
    xml = db.session.scalar(select(ProcessDefinition.bpmn_xml).where(ProcessDefinition.id == info.definition_id))
    return Response(xml, mimetype="application/xml")


@bp.route("/processes/<int:instance_id>/retry", methods=["POST"])
@requires(Role.ADMIN)
def retry(instance_id: int):
    _instance_or_404(instance_id)
    try:
        workflows.retry(db.session, instance_id, current_user)
        db.session.commit()
        flash(_("The failed step runs again."), "success")
    except workflows.WorkflowError as exc:
        db.session.rollback()
        flash(_("Retry refused: %(error)s", error=str(exc)), "error")
    return redirect(url_for("inbox.process", instance_id=instance_id), code=303)


def _date(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


@bp.route("/processes/history")
@requires(*AUDITORS)
def history():
    form = HistorySearchForm(request.args)
    form.event_type.choices = [("", _("All events"))] + [(name, event_label(name)) for name in EVENT_TYPES]
    form.validate()
    user_id = None
    if form.user.data:
        user_id = db.session.scalar(select(User.id).where(User.username == form.user.data.strip())) or -1
    until = _date(form.until.data)
    events = workflows.search_history(
        db.session, period=form.period.data or None, user_id=user_id, event_type=form.event_type.data or None,
        since=_date(form.since.data), until=until + timedelta(days=1) if until else None, limit=300)
    return render("inbox/history.html", "inbox/_history_table.html", form=form, events=events)
