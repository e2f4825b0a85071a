"""Translated labels for the values of the domain's enumerations, used by every template."""

from flask_babel import gettext
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


# The fiscal profile's coded facts and their names (the fiscal profile form offers these choices).
FISCAL_LABELS = {
    "fiscal_category": {
        "agent": _l("Agent"),
        "finder": _l("Finder"),
        "call_centre": _l("Outbound call centre"),
        "installer": _l("Installer"),
        "professional": _l("Professional"),
    },
    "legal_form": {"individual": _l("Individual"), "partnership": _l("Partnership"), "company": _l("Company")},
    "vat_regime": {"ordinary": _l("Ordinary"), "flat_rate": _l("Flat rate (forfettario)")},
    "enasarco": {"none": _l("Not enrolled"), "mono_firm": _l("Mono-firm"), "multi_firm": _l("Multi-firm")},
}

# What a service order (an installer's or technician's job) came to.
ORDER_OUTCOME_LABELS = {
    "open": _l("open job"),
    "completed": _l("successful job"),
    "failed": _l("failed job"),
    "cancelled": _l("cancelled job"),
}

PROCESS_LABELS = {
    "commission_cycle": _l("Commission cycle"),
    "statement_review": _l("Statement review"),
}

INSTANCE_STATUS_LABELS = {
    "running": _l("Running"),
    "waiting": _l("Waiting"),
    "completed": _l("Completed"),
    "error": _l("Error"),
}

JOB_STATUS_LABELS = {
    "queued": _l("Queued"),
    "running": _l("Running"),
    "done": _l("Done"),
    "failed": _l("Failed"),
}

# The kinds of event in the process history (workflows.events.EVENT_TYPES).
EVENT_LABELS = {
    "instance_started": _l("Process started"),
    "task_ready": _l("Task ready"),
    "task_completed": _l("Task completed"),
    "task_cancelled": _l("Task cancelled"),
    "task_claimed": _l("Task claimed"),
    "task_released": _l("Task released"),
    "timer_fired": _l("Deadline reached"),
    "message_sent": _l("Message sent"),
    "message_received": _l("Message received"),
    "message_dropped": _l("Message dropped"),
    "service_started": _l("Background job started"),
    "service_completed": _l("Background job completed"),
    "job_failed": _l("Background job failed"),
    "error": _l("Step failed"),
    "retry": _l("Step retried"),
    "instance_completed": _l("Process completed"),
}

# The actor the engine, a timer or a worker writes in the process history.
SYSTEM_ACTOR = "system"

BATCH_STATUS_LABELS = {
    "draft": _l("Waiting for approval"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "issued": _l("Issued"),
    "exported": _l("Exported to accounting"),
}


def role_label(role: Role | str) -> str:
    """Return the name of a role, given as a Role or as its value (a task's lane); other text as it is."""
    try:
        role = Role(role)
    except ValueError:
        return str(role)
    return str(ROLE_LABELS.get(role, role.value))


def _lookup(table: dict, what: str):
    """Return the function naming a coded value from ``table`` (an unknown code reads as itself)."""
    def label(value: str) -> str:
        return str(table.get(value, value))

    label.__doc__ = f"Return the name of {what}."
    return label


kind_label = _lookup(KIND_LABELS, "a partner kind")
status_label = _lookup(STATUS_LABELS, "a contract status")
batch_status_label = _lookup(BATCH_STATUS_LABELS, "an invoice batch's status")
outcome_label = _lookup(ORDER_OUTCOME_LABELS, "a service order's outcome")
process_label = _lookup(PROCESS_LABELS, "a BPMN process")
instance_status_label = _lookup(INSTANCE_STATUS_LABELS, "a process instance's status")
job_status_label = _lookup(JOB_STATUS_LABELS, "a background job's status")
event_label = _lookup(EVENT_LABELS, "a kind of process history event")


def status_labels(statuses) -> list[str]:
    """Return the names of several contract statuses, in their order."""
    return [status_label(status) for status in statuses]


def fiscal_label(fact: str, value: str) -> str:
    """Return the name of a fiscal profile's coded ``fact`` (fiscal_category, legal_form, vat_regime, enasarco)."""
    return str(FISCAL_LABELS.get(fact, {}).get(value, value))


def actor_label(actor: str) -> str:
    """Return who did a history event: a user's name as written, the engine as "system" translated."""
    return gettext("system") if actor == SYSTEM_ACTOR else actor


TEMPLATE_GLOBALS = {"role_label": role_label, "kind_label": kind_label, "status_label": status_label,
                    "status_labels": status_labels, "batch_status_label": batch_status_label,
                    "fiscal_label": fiscal_label, "outcome_label": outcome_label, "process_label": process_label,
                    "instance_status_label": instance_status_label, "job_status_label": job_status_label,
                    "event_label": event_label, "actor_label": actor_label}

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
