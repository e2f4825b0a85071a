"""Statement pages: the statements of a period for the staff, and one partner's statement with its lines
explained, on screen and as a workbook, for the staff and for the partner and its upline."""

from datetime import date

from flask import Response
from flask import abort
from flask_login import current_user

from app.extensions import db
from app.htmx import render
from app.plans.routes import READERS as PLAN_READERS
from app.security import EVERYONE
from app.security import STAFF
from app.security import ensure_partner_visible
from app.security import requires
from app.statements import bp
from app.statements import context as statements
from app.statements.workbook import to_xlsx
from app.statements.workbook import totals_rows
from calc.inputs import period_from_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month(value: str) -> date:
    try:
        return period_from_text(value)
    except ValueError:
        abort(404)


def _visible_context(month: str, partner_id: int) -> dict:
    """Return the context of the partner's published statement, after the scope check (403), else 404."""
    day = _month(month)
    ensure_partner_visible(current_user, partner_id, day)
    statement = statements.published(db.session, day, partner_id) or abort(404)
    return statements.statement_context(db.session, statement)


@bp.route("/<month>")
@requires(*STAFF)
def period(month: str):
    day = _month(month)
    return render("statements/period.html", label=f"{day:%Y-%m}", statements=statements.of_period(db.session, day))


@bp.route("/<month>/partners/<int:partner_id>")
@requires(*EVERYONE)
def detail(month: str, partner_id: int):
    context = _visible_context(month, partner_id)
    return render("statements/detail.html", "statements/_statement.html", totals=totals_rows(context["statement"]),
                  can_read_plans=current_user.has_role(*PLAN_READERS),
                  can_list=current_user.has_role(*STAFF), **context)


@bp.route("/<month>/partners/<int:partner_id>.xlsx")
@requires(*EVERYONE)
def workbook(month: str, partner_id: int):
    context = _visible_context(month, partner_id)
    name = f"statement-{context['partner'].code}-{context['label']}.xlsx"
    return Response(to_xlsx(context), mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


