"""Audit log: searchable, read-only."""

from flask import current_app
from flask import request
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField
from wtforms import StringField
from wtforms.validators import Length
from wtforms.validators import Optional

from app.audit import bp
from app.extensions import db
from app.htmx import render
from app.models import AuditEntry
from app.models import Role
from app.security import requires


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    actor = StringField(validators=[Optional(), Length(max=80)])
    action = StringField(validators=[Optional(), Length(max=60)])
    entity_type = StringField(validators=[Optional(), Length(max=40)])
    entity_id = StringField(validators=[Optional(), Length(max=64)])
    since = DateField(validators=[Optional()])
    until = DateField(validators=[Optional()])


def audit_query(form: AuditFilterForm):
    """Return the audit entries matching the filters, newest first."""
    query = select(AuditEntry)
    if form.actor.data:
        query = query.where(AuditEntry.actor == form.actor.data.strip())
    if form.action.data:
        query = query.where(AuditEntry.action.like(f"{form.action.data.strip()}%"))
    if form.entity_type.data:
        query = query.where(AuditEntry.entity_type == form.entity_type.data.strip())
    if form.entity_id.data:
        query = query.where(AuditEntry.entity_id == form.entity_id.data.strip())
    if form.since.data:
        query = query.where(AuditEntry.at >= form.since.data)
    if form.until.data:
        query = query.where(AuditEntry.at < form.until.data)
    return query.order_by(AuditEntry.id.desc())


@bp.route("/")
@requires(Role.AUDITOR, Role.ADMIN)
def index():
    form = AuditFilterForm(request.args)
    form.validate()
    page = db.paginate(audit_query(form), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render("audit/index.html", "audit/_entries.html", form=form, page=page)
