"""Invoice documents to PDF: the HTML of each document from templates/invoices, a whole batch in few
wkhtmltopdf calls (see app.services.pdf)."""

from decimal import Decimal

from flask import current_app

from app.services import pdf
from app.services.invoicing.document import ADVANCE_LABEL
from app.services.invoicing.document import InvoiceDocument
from app.services.invoicing.document import euro
from app.services.invoicing.document import italian_date


def percent(rate: Decimal) -> str:
    """Return a rate as an Italian percentage figure: 0.22 -> "22", 0.115 -> "11,5"."""
    text = format((rate * 100).normalize(), "f")
    return text.replace(".", ",")


def _helpers() -> dict:
    return {"euro": euro, "italian_date": italian_date, "percent": percent, "advance_label": ADVANCE_LABEL}


def head() -> str:
    """Return the style sheet every invoice is laid out with."""
    return current_app.jinja_env.get_template("invoices/_document_style.html").render()


def body(document: InvoiceDocument) -> str:
    """Return the HTML body of one invoice."""
    return current_app.jinja_env.get_template("invoices/_document.html").render(doc=document, **_helpers())


def html(document: InvoiceDocument) -> str:
    """Return one invoice as a self-contained HTML page."""
    return current_app.jinja_env.get_template("invoices/document.html").render(doc=document, **_helpers())


def render(documents: list[InvoiceDocument]) -> list[bytes]:
    """Return the PDF of each document, in order."""
    return pdf.render_many(head(), [body(document) for document in documents])
