"""The connector's pages: the overview with "sync now" and the sync log, the connection, the field mappings,
and each sync's detail with its progress while it runs (the fragment polls until the sync ends)."""

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.htmx import render
from app.htmx import see_other
from app.models import Role
from app.models import SalesforceSync
from app.salesforce import bp
from app.salesforce.forms import ConnectionForm
from app.salesforce.forms import SyncForm
from app.salesforce.forms import mapping_form
from app.security import requires
from app.services.imports import layouts
from app.services.imports.problems import message_text
from app.services.salesforce import connection
from app.services.salesforce import jobs
from app.services.salesforce import mapping
from app.services.salesforce import sync as syncing

MANAGERS = (Role.ADMIN,)
SYNCERS = (Role.ADMIN, Role.BACKOFFICE, Role.BACKOFFICE_LEAD)
VIEWERS = (*SYNCERS, Role.FINANCE, Role.AUDITOR)


def _sync(sync_id: int) -> SalesforceSync:
    return db.session.get(SalesforceSync, sync_id) or abort(404)


@bp.route("/")
@requires(*VIEWERS)
def index():
    page = db.paginate(select(SalesforceSync).order_by(SalesforceSync.id.desc()),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    objects = [mapping.current(db.session, target) for target in mapping.TARGETS]
    watermarks = {t: mapping.stored_object(db.session, t).watermark for t in mapping.TARGETS}
    db.session.commit()  # the default mappings, created on first sight
    return render("salesforce/index.html", "salesforce/_syncs.html", page=page, objects=objects,
                  watermarks=watermarks, settings=connection.stored(db.session), layouts=layouts.LAYOUTS,
                  sync_form=SyncForm(), can_sync=current_user.has_role(*SYNCERS),
                  can_manage=current_user.has_role(*MANAGERS))


@bp.route("/connection", methods=["GET", "POST"])
@requires(*MANAGERS)
def connection_settings():
    row = connection.stored(db.session)
    form = ConnectionForm(obj=row, has_secret=bool(row and row.client_secret_encrypted),
                          has_refresh_token=bool(row and row.refresh_token_encrypted))
    if form.validate_on_submit():
        connection.save(db.session, current_user, form.setup(), form.client_secret.data or None,
                        form.refresh_token.data or None)
        db.session.commit()
        flash(_("Salesforce connection saved."), "success")
        return see_other(url_for("salesforce.index"))
    return render("salesforce/connection.html", status=422 if form.errors else 200, form=form, settings=row)


@bp.route("/mappings/<target>", methods=["GET", "POST"])
@requires(*MANAGERS)
def mapping_edit(target: str):
    if target not in mapping.TARGETS:
        abort(404)
    layout = layouts.get(target)
    form = mapping_form(layout, mapping.current(db.session, target))
    if form.validate_on_submit():
        mapping.save(db.session, current_user, target, form.sobject.data.strip(), form.condition.data,
                     form.field_values())
        db.session.commit()
        flash(_("Mapping saved: the next sync reads this object whole again."), "success")
        return see_other(url_for("salesforce.index"))
    return render("salesforce/mapping.html", status=422 if form.errors else 200, form=form, layout=layout,
                  target=target)


@bp.route("/syncs", methods=["POST"])
@requires(*SYNCERS)
def sync_now():
    if not SyncForm().validate_on_submit():
        abort(400)
    try:
        sync = syncing.begin(db.session, current_user, syncing.MANUAL)
    except syncing.SyncRefused as refused:
        flash(_("A Salesforce sync is already running.") if refused.code == "running"
              else _("Configure the Salesforce connection first."), "error")
        return redirect(url_for("salesforce.index"), code=303)
    db.session.commit()
    jobs.start(current_app._get_current_object(), sync.id)
    flash(_("Salesforce sync started."), "success")
    return redirect(url_for("salesforce.sync_detail", sync_id=sync.id), code=303)


@bp.route("/syncs/<int:sync_id>")
@requires(*VIEWERS)
def sync_detail(sync_id: int):
    sync = _sync(sync_id)
    return render("salesforce/sync.html", "salesforce/_sync.html", sync=sync, live=jobs.live(sync.id),
                  running=sync.status == syncing.RUNNING, problem_message=message_text)


@bp.route("/syncs/<int:sync_id>/progress")
@requires(*VIEWERS)
def sync_progress(sync_id: int):
    sync = _sync(sync_id)
    running = sync.status == syncing.RUNNING
    return render("salesforce/_progress.html", sync=sync, live=jobs.live(sync.id), running=running,
                  trigger=None if running else "salesforce-sync-finished")
