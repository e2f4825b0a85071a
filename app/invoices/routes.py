"""Invoice pages: the invoices of a period or batch (staff see all, partners their own and their downline's),
the stored PDF of one invoice, and sending a batch's PDFs to the partners by e-mail."""

from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.htmx import render
from app.htmx import see_other
from app.invoices import bp
from app.invoices.forms import InvoiceFilterForm
from app.models import Invoice
from app.models import InvoiceBatch
from app.models import Role
from app.security import ensure_partner_visible
from app.security import requires
from app.security import visible_partner_ids
from app.services.invoicing import delivery
from app.services.invoicing import listing
from calc.inputs import period_from_text

READERS = (Role.ADMIN, Role.FINANCE, Role.BACKOFFICE, Role.BACKOFFICE_LEAD, Role.AUDITOR, Role.PARTNER)
SENDERS = (Role.ADMIN, Role.FINANCE)


def _list_context() -> dict:
    """Return the filters, the page of invoices and their totals, within the reader's partner scope."""
    filters = InvoiceFilterForm(request.args, periods=listing.periods_with_invoices(db.session))
    filters.validate()
    month = period_from_text(filters.period.data) if filters.period.data else None
    scope = visible_partner_ids(current_user)
    criteria = {"month": month, "batch_id": filters.batch.data, "scope": scope, "issued_only": scope is not None}
    page = db.paginate(listing.invoices(**criteria), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    batch = db.session.get(InvoiceBatch, filters.batch.data) if filters.batch.data else None
    return {"filters": filters, "page": page, "totals": listing.totals(db.session, **criteria), "batch": batch,
            "staff": scope is None, "can_send": current_user.has_role(*SENDERS)}


@bp.route("/")
@requires(*READERS)
def index():
    return render("invoices/index.html", "invoices/_list.html", **_list_context())


@bp.route("/<int:invoice_id>.pdf")
@requires(*READERS)
def download(invoice_id: int):
    invoice = db.session.get(Invoice, invoice_id) or abort(404)
    ensure_partner_visible(current_user, invoice.partner_id, invoice.batch.period.month)
    if invoice.pdf is None:
        abort(404)
    name = delivery.attachment_name(invoice)
    return Response(invoice.pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "private"})


@bp.route("/batches/<int:batch_id>/send", methods=["POST"])
@requires(*SENDERS)
def send(batch_id: int):
    batch = db.session.get(InvoiceBatch, batch_id) or abort(404)
    report = delivery.send_invoices(db.session, batch, current_user)
    db.session.commit()
    if report.sent or not report.failed:
        flash(_("%(count)s invoices sent by e-mail.", count=len(report.sent)), "success")
    for invoice, reason in report.failed:
        flash(_("Invoice %(number)s not sent: %(reason)s", number=invoice.number_text, reason=reason), "error")
    return see_other(url_for("invoices.index", batch=batch.id))
