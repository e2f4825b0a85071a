"""Export a batch's postings file (a state change: POST, audited by the service) and download the stored file."""

from flask import Response
from flask import abort
from flask import flash
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.exports import bp
from app.extensions import db
from app.htmx import render
from app.htmx import see_other
from app.models import InvoiceBatch
from app.models import Role
from app.security import requires
from app.services import accounting_export

# Who may download a batch's stored postings file: the route's guard and the pages that offer the link.
DOWNLOADERS = (Role.FINANCE, Role.ADMIN, Role.AUDITOR)


@bp.app_template_global()
def may_download_export(user) -> bool:
    """Return True when ``user`` may download a batch's accounting export."""
    return user.has_role(*DOWNLOADERS)


@bp.route("/batches/<int:batch_id>", methods=["POST"])
@requires(Role.FINANCE, Role.ADMIN)
def export(batch_id: int):
    batch = db.get_or_404(InvoiceBatch, batch_id)
    try:
        accounting_export.export_batch(db.session, current_user, batch)
    except accounting_export.ExportError as exc:
        db.session.rollback()
        return render("exports/refused.html", "exports/_refused.html", batch=batch, message=str(exc), status=422)
    db.session.commit()
    flash(_("Batch %(batch)s exported: %(name)s.", batch=batch.id, name=accounting_export.file_name(batch)),
          "success")
    return see_other(url_for("exports.download", batch_id=batch.id))


@bp.route("/batches/<int:batch_id>.csv")
@requires(*DOWNLOADERS)
def download(batch_id: int):
    batch = db.get_or_404(InvoiceBatch, batch_id)
    if batch.export_file is None:
        abort(404, _("Batch %(batch)s has not been exported yet.", batch=batch.id))
    name = accounting_export.file_name(batch)
    return Response(batch.export_file, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "ETag": f'"{batch.export_sha256}"',
        "X-Content-SHA256": batch.export_sha256})
