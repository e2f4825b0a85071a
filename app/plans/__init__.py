"""Commission plans for sales managers: YAML documents with validation, versions, publishing, assignments."""

from flask import Blueprint

from app.plans.labels import number
from app.plans.labels import term
from calc.plan import kind_of

bp = Blueprint("plans", __name__, url_prefix="/plans")
bp.add_app_template_global(term, "plan_term")
bp.add_app_template_global(number, "plan_number")
bp.add_app_template_global(kind_of, "plan_kind_of")

from app.plans import routes  # noqa: E402,F401
