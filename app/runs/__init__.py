"""Calculation runs for the back-office: periods, starting a run with its progress, results and their lineage."""

from flask import Blueprint

from app.plans.labels import number
from app.plans.labels import term

bp = Blueprint("runs", __name__, url_prefix="/runs")
bp.add_app_template_global(term, "plan_term")
bp.add_app_template_global(number, "plan_number")

from app.runs import routes  # noqa: E402,F401
