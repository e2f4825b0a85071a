"""The accrued-commissions panel: the whole network for staff, a partner and its downline for a partner user.

The same handler serves the page and the fragment the dashboard polls every 10 seconds.
"""

from datetime import date

from flask import abort
from flask_login import current_user

from app.accruals import bp
from app.extensions import db
from app.htmx import render
from app.models import Partner
from app.models import Role
from app.security import ensure_partner_visible
from app.security import requires
from app.security import visible_partner_ids
from app.services import network
from app.services.accrual import figures

VIEWERS = (Role.SALES_MANAGER, Role.PARTNER, Role.BACKOFFICE_LEAD, Role.ADMIN, Role.FINANCE)


def panel_context(scope: set[int] | None, partner: Partner | None = None) -> dict:
    """Collect the panel's figures for a scope of partners (None: the whole network)."""
    numbers = figures.panel(db.session, scope)
    return {"accruals": numbers, "chart": figures.chart(numbers), "partner": partner}


@bp.route("/")
@requires(*VIEWERS)
def index():
    return render("accruals/page.html", "accruals/_panel.html", **panel_context(visible_partner_ids(current_user)))


@bp.route("/partners/<int:partner_id>")
@requires(*VIEWERS)
def partner(partner_id: int):
    chosen = db.session.get(Partner, partner_id) or abort(404)
    ensure_partner_visible(current_user, chosen.id)
    scope = network.downline_ids(db.session, chosen.id, date.today(), include_self=True)
    return render("accruals/page.html", "accruals/_panel.html", **panel_context(scope, chosen))
