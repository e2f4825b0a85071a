"""Invoice batch pages: every batch with its status, and one batch with its totals, its invoices against the
previous period's, who prepared and who decided it, and the way to its approval task."""

from flask import abort
from flask import request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.batches import bp
from app.batches.context import batch_context
from app.batches.context import names
from app.extensions import db
from app.htmx import render
from app.models import Role
from app.models.invoice import InvoiceBatch
from app.security import requires

READERS = (Role.ADMIN, Role.BACKOFFICE, Role.BACKOFFICE_LEAD, Role.FINANCE, Role.AUDITOR)
PAGE = 100


@bp.route("/")
@requires(*READERS)
def index():
    batches = db.session.scalars(select(InvoiceBatch).options(selectinload(InvoiceBatch.period))
                                 .order_by(InvoiceBatch.id.desc()).limit(PAGE)).all()
    return render("batches/index.html", batches=batches, names=names(batches))


@bp.route("/<int:batch_id>")
@requires(*READERS)
def detail(batch_id: int):
    batch = db.session.get(InvoiceBatch, batch_id) or abort(404)
    return render("batches/detail.html", "batches/_changes.html", **batch_context(batch, request.args.get("show")))
