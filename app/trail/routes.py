"""The trail pages: the search, the invoice, each step as a section (a fragment for HTMX, a page otherwise),
and the source records with their versions and import files."""

from flask import abort
from flask import current_app
from flask import request

from app.extensions import db
from app.htmx import render
from app.models import Invoice
from app.models import Role
from app.security import requires
from app.trail import bp
from app.trail import context
from app.trail.forms import TrailSearchForm

AUDITORS = (Role.AUDITOR, Role.ADMIN)
SECTIONS = ("batch", "period", "statement", "lines", "history")


@bp.route("/")
@requires(*AUDITORS)
def index():
    form = TrailSearchForm(request.args)
    year = form.year.data if form.validate() else None
    query = context.search(form.q.data, year)
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render("trail/index.html", "trail/_results.html", form=form, page=page)


@bp.route("/invoices/<int:invoice_id>")
@requires(*AUDITORS)
def invoice(invoice_id: int):
    found = db.get_or_404(Invoice, invoice_id)
    return render("trail/invoice.html", invoice=found, sections=SECTIONS)


def _section_context(name: str, found: Invoice) -> dict:
    if name == "lines":
        page = request.args.get("page", 1, type=int)
        return context.lines_context(db.session, found, page, current_app.config["PAGE_SIZE"])
    return getattr(context, f"{name}_context")(db.session, found)


@bp.route("/invoices/<int:invoice_id>/<name>")
@requires(*AUDITORS)
def section(invoice_id: int, name: str):
    """One step of the trail: the fragment that expands on the invoice page, or a page of its own."""
    if name not in SECTIONS:
        abort(404)
    found = db.get_or_404(Invoice, invoice_id)
    return render("trail/section.html", f"trail/_{name}.html", invoice=found, name=name,
                  **_section_context(name, found))


@bp.route("/sources/<kind>/<int:record_id>")
@requires(*AUDITORS)
def source(kind: str, record_id: int):
    found = context.source_context(db.session, kind, record_id)
    if found is None:
        abort(404)
    return render("trail/source.html", **found)
