"""Reading the per-line inputs of the dispute pages: the amounts a partner claims on the lines it disputes, and
the back-office's answer on each disputed line (``outcome-<id>``, ``adjustment-<id>``, ``note-<id>``).

The lines of a statement are known only at request time, so these inputs are named per line rather than declared
as WTForms fields; each reader returns typed values and the errors by line, worded for the person who typed them.
"""

from collections.abc import Mapping

from flask_babel import gettext as _

from app.models.statement import DisputedLine
from app.models.statement import DisputeStatus
from app.services.disputes.raising import DisputeError
from app.services.disputes.raising import parse_amount
from app.services.disputes.resolving import LineDecision

MAX_NOTE = 1000


def claimed_amounts(values: Mapping[str, str], line_ids: list[int]) -> tuple[dict[int, object], dict[int, str]]:
    """Return the claimed amount typed for each ticked line (None when blank) and the errors by line id."""
    claimed, errors = {}, {}
    for line_id in line_ids:
        try:
            claimed[line_id] = parse_amount(values.get(f"claimed-{line_id}"), _("Claimed amount"))
        except DisputeError as exc:
            errors[line_id] = str(exc)
    return claimed, errors


def decisions(values: Mapping[str, str], lines: list[DisputedLine]) -> tuple[list[LineDecision], dict[int, str]]:
    """Return the answers given on pending ``lines`` and the errors by disputed line id.

    A line of an open dispute needs an answer; a line of a carried dispute may be left for later.
    """
    found, errors = [], {}
    for line in lines:
        outcome = (values.get(f"outcome-{line.id}") or "").strip()
        note = (values.get(f"note-{line.id}") or "").strip()
        if outcome not in ("accept", "reject"):
            if line.dispute.status != DisputeStatus.CARRIED:
                errors[line.id] = _("Accept or reject this line.")
            continue
        if len(note) > MAX_NOTE:
            errors[line.id] = _("The note is longer than %(n)s characters.", n=MAX_NOTE)
            continue
        try:
            amount = parse_amount(values.get(f"adjustment-{line.id}"), _("Adjustment"))
        except DisputeError as exc:
            errors[line.id] = str(exc)
            continue
        if outcome == "accept" and not amount:
            errors[line.id] = _("An accepted line needs a non-zero adjustment amount.")
        elif outcome == "reject" and not note:
            errors[line.id] = _("Give the reason of the rejection.")
        else:
            found.append(LineDecision(line.id, outcome == "accept", amount if outcome == "accept" else None, note))
    return found, errors
