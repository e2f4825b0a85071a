"""The inbox: each user's ready tasks, one page per human task, starting a period's cycle, and the process pages
(diagram, state, jobs, history) with the auditors' history search."""

from flask import Blueprint

from app.services import cycle

bp = Blueprint("inbox", __name__)
bp.record_once(lambda state: cycle.register_operations())

from app.inbox import processes  # noqa: E402,F401
from app.inbox import routes  # noqa: E402,F401
