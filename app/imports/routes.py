"""File imports: the batches, the upload with its column mapping, the report, progress, layouts and templates.

The upload keeps the file and validates it: small files at once (a rejected file answers 422 with its report),
bigger ones in a background thread, the batch page showing their progress. Importing a validated batch always
runs in the background; the progress fragment polls until it ends and then tells the page to reload the report.
"""

from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.htmx import render
from app.imports import bp
from app.imports.forms import ConfirmForm
from app.imports.forms import upload_form
from app.models import ImportBatch
from app.models import Role
from app.security import requires
from app.services.imports import examples
from app.services.imports import layouts
from app.services.imports import mappings
from app.services.imports import progress
from app.services.imports import reports
from app.services.imports import runner

IMPORTERS = (Role.ADMIN, Role.BACKOFFICE, Role.BACKOFFICE_LEAD)
VIEWERS = (*IMPORTERS, Role.FINANCE, Role.AUDITOR)
INLINE_BYTES = 2_000_000  # files up to this size are validated during the upload request
SHOWN_PROBLEMS = 500


def _layout(source: str) -> layouts.Layout:
    return layouts.LAYOUTS.get(source) or abort(404)


def _batch(batch_id: int) -> ImportBatch:
    return db.session.get(ImportBatch, batch_id) or abort(404)


def _in_background(batch: ImportBatch, action: str) -> None:
    user_id = current_user.id

    def work(batch_id: int) -> None:
        runner.execute(db.session, batch_id, user_id, action)

    progress.start(current_app._get_current_object(), batch.id, work)


def _report_context(batch: ImportBatch) -> dict:
    return {
        "batch": batch, "layout": layouts.LAYOUTS.get(batch.source),
        "problems": reports.problems(db.session, batch, SHOWN_PROBLEMS),
        "summary": reports.summary(db.session, batch),
        "earlier": runner.same_file_imports(db.session, batch),
        "running": batch.status in runner.RUNNING, "live": progress.live(batch.id),
        "can_import": current_user.has_role(*IMPORTERS), "confirm_form": ConfirmForm(),
    }


@bp.route("/")
@requires(*VIEWERS)
def index():
    query = select(ImportBatch).order_by(ImportBatch.id.desc())
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render("imports/index.html", "imports/_batches.html", page=page, layouts=layouts.LAYOUTS,
                  can_import=current_user.has_role(*IMPORTERS))


@bp.route("/<source>/upload", methods=["GET", "POST"])
@requires(*IMPORTERS)
def upload(source: str):
    layout = _layout(source)
    name, columns = mappings.propose(db.session, layout, request.args.get("mapping", type=int))
    form = upload_form(layout, name, columns)
    if form.validate_on_submit():
        data = form.file.data.read()
        batch = runner.submit(db.session, current_user, source, form.file.data.filename, data, form.columns(),
                              form.mapping_name.data or name)
        db.session.commit()
        if len(data) > current_app.config.get("IMPORT_INLINE_BYTES", INLINE_BYTES):
            _in_background(batch, "validate")
        elif runner.validate(db.session, batch).log.has_errors:
            db.session.commit()
            return render("imports/batch.html", "imports/_report.html", status=422, **_report_context(batch))
        db.session.commit()
        return redirect(url_for("imports.batch", batch_id=batch.id), code=303)
    return render("imports/upload.html", "imports/_mapping.html", status=422 if form.errors else 200, form=form,
                  layout=layout, saved=mappings.saved(db.session, source), mapping_name=name)


@bp.route("/batches/<int:batch_id>")
@requires(*VIEWERS)
def batch(batch_id: int):
    return render("imports/batch.html", "imports/_report.html", **_report_context(_batch(batch_id)))


@bp.route("/batches/<int:batch_id>/progress")
@requires(*VIEWERS)
def batch_progress(batch_id: int):
    batch = _batch(batch_id)
    running = batch.status in runner.RUNNING
    return render("imports/_progress.html", batch=batch, running=running, live=progress.live(batch.id),
                  trigger=None if running else "import-finished")


@bp.route("/batches/<int:batch_id>/import", methods=["POST"])
@requires(*IMPORTERS)
def start(batch_id: int):
    batch = _batch(batch_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        runner.begin_import(db.session, batch)
    except runner.NotReady:
        flash(_("Only a validated batch can be imported; this one is %(status)s.", status=batch.status), "error")
        return redirect(url_for("imports.batch", batch_id=batch.id), code=303)
    db.session.commit()
    _in_background(batch, "import")
    flash(_("Import started."), "success")
    return redirect(url_for("imports.batch", batch_id=batch.id), code=303)


@bp.route("/batches/<int:batch_id>/problems.csv")
@requires(*VIEWERS)
def problems_csv(batch_id: int):
    batch = _batch(batch_id)
    return Response(reports.problems_csv(db.session, batch), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="import-{batch.id}-problems.csv"'})


@bp.route("/<source>/layout")
@requires(*VIEWERS)
def layout(source: str):
    return render("imports/layout.html", layout=_layout(source), kinds=layouts.KINDS, layouts=layouts.LAYOUTS)


@bp.route("/<source>/template.<fmt>")
@requires(*VIEWERS)
def template(source: str, fmt: str):
    layout = _layout(source)
    if fmt == "csv":
        content, mimetype = examples.template_csv(layout), "text/csv"
    elif fmt == "xlsx":
        content, mimetype = examples.template_xlsx(layout), XLSX
    else:
        abort(404)
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{source}-template.{fmt}"'})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
