"""Dashboard: one page, a panel for each role the user holds."""

from datetime import date

from flask_login import current_user

from app.dashboard import bp
from app.extensions import db
from app.htmx import render
from app.labels import actor_label
from app.models import AuditEntry
from app.models import Role
from app.security import EVERYONE
from app.security import requires
from app.security import visible_partner_ids
from app.services import dashboard
from app.trail import context as trail_context
from calc.inputs import months_before


def dashboard_context(user, today: date) -> dict:
    """Collect the figures of every panel the user's roles show."""
    scope = visible_partner_ids(user, today)
    context = {
        "today": today,
        "roles": user.roles,
        "partners": dashboard.partner_counts(db.session, scope),
        "contracts": dashboard.contract_counts(db.session, scope),
        "activations": dashboard.activations_by_month(db.session, scope, today),
    }
    if user.has_role(Role.SALES_MANAGER, Role.PARTNER, Role.BACKOFFICE_LEAD):
        context["top_sellers"] = dashboard.top_sellers(db.session, scope, months_before(today, 2))
    if user.has_role(Role.FINANCE, Role.ADMIN):
        context["billed"] = dashboard.billed_by_month(db.session, today)
    if user.has_role(Role.AUDITOR, Role.ADMIN):
        context["recent_audit"] = dashboard.recent_audit(db.session)
        context["authors"] = authors(context["recent_audit"])
    if user.has_role(Role.ADMIN):
        context["user_count"] = dashboard.user_count(db.session)
    return context


def authors(entries: list[AuditEntry]) -> dict[int, str]:
    """Name who made each change, by entry id: the user's full name, "system", or the recorded actor (a token)."""
    users = trail_context.users(db.session, *(entry.user_id for entry in entries))
    named = {}
    for entry in entries:
        user = users.get(entry.user_id)
        named[entry.id] = user.full_name if user is not None and user.username == entry.actor \
            else actor_label(entry.actor)
    return named


@bp.route("/")
@requires(*EVERYONE)
def index():
    return render("dashboard/index.html", **dashboard_context(current_user, date.today()))
