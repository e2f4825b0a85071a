"""Demo commission plans: the five documents of ``calc.demo_plans``, published and assigned to the network."""

from datetime import date

import yaml
from sqlalchemy.orm import Session

from app.services import plans
from calc.demo_plans import DEMO_PLANS

# Plan code -> the partner groups it is assigned to (partner kinds are groups).
GROUPS = {
    "agents-commodity": ("agent", "sub_agent"),
    "agencies-override": ("agency",),
    "call-centre": ("call_centre",),
    "installers-sla": ("installer", "technician"),
}
MULTI_YEAR = "multi-year"


def load_demo_plans(session: Session, user, multi_year_partner_id: int, start: date) -> int:
    """Import and publish the demo plans, assign them, and return how many assignments were made."""
    assignments = 0
    for document in DEMO_PLANS:
        version, _changed = plans.import_yaml(session, user, yaml.safe_dump(document, sort_keys=False), publish=True)
        code = version.plan.code
        for group in GROUPS.get(code, ()):
            plans.assign(session, user, version.plan, version.valid_from, group=group)
            assignments += 1
        if code == MULTI_YEAR:
            plans.assign(session, user, version.plan, max(start, version.valid_from), partner_id=multi_year_partner_id)
            assignments += 1
    return assignments
