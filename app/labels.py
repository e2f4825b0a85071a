"""Translated labels for the values of the domain's enumerations, used by every template."""

from flask_babel import lazy_gettext as _l

from app.models import Role

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.BACKOFFICE: _l("Back-office"),
    Role.BACKOFFICE_LEAD: _l("Back-office lead"),
    Role.SALES_MANAGER: _l("Sales manager"),
    Role.FINANCE: _l("Finance"),
    Role.AUDITOR: _l("Auditor"),
    Role.PARTNER: _l("Partner"),
}

KIND_LABELS = {
    "agency": _l("Agency"),
    "agent": _l("Agent"),
    "sub_agent": _l("Sub-agent"),
    "call_centre": _l("Outbound call centre"),
    "installer": _l("Installer"),
    "technician": _l("Technician"),
}

STATUS_LABELS = {
    "signed": _l("Signed"),
    "validated": _l("Validated"),
    "switching": _l("Switching"),
    "active": _l("Active"),
    "terminated": _l("Terminated"),
    "cancelled": _l("Cancelled"),
}


BATCH_STATUS_LABELS = {
    "draft": _l("Waiting for approval"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "issued": _l("Issued"),
    "exported": _l("Exported to accounting"),
}


def role_label(role: Role) -> str:
    return str(ROLE_LABELS.get(role, role.value))


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def batch_status_label(status: str) -> str:
    return str(BATCH_STATUS_LABELS.get(status, status))


TEMPLATE_GLOBALS = {"role_label": role_label, "kind_label": kind_label, "status_label": status_label,
                    "batch_status_label": batch_status_label}

# The names of the user tasks in bpmn/*.bpmn, so the catalogue extraction finds them (templates show _(title)).
TASK_TITLES = (
    _l("Load data"),
    _l("Fix data"),
    _l("Validate calculation"),
    _l("Approve invoice batch"),
    _l("Rework rejected batch"),
    _l("Review statement"),
    _l("Resolve disputes"),
    _l("Follow up escalated dispute"),
    _l("See dispute outcome"),
)
