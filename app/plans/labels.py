"""Readable names for the words plan documents and result lines are written in (kinds, fields, metrics,
conditions, statuses), translated for the pages; a value without a label is shown as written."""

from decimal import Decimal
from decimal import InvalidOperation

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

TERMS = {
    "component_kind": {
        "one_off": _l("One-off"),
        "recurring": _l("Recurring"),
        "tiers": _l("Volume tiers"),
        "target_bonus": _l("Target bonus"),
        "sla_fee": _l("SLA fee"),
        "override": _l("Override"),
        "clawback": _l("Clawback"),
        "advance": _l("Advance"),
        "formula": _l("Formula"),
        "limits": _l("Limits"),
    },
    "line_kind": {
        "one_off": _l("One-off"),
        "recurring": _l("Recurring"),
        "tier": _l("Tier"),
        "target_bonus": _l("Target bonus"),
        "sla_fee": _l("SLA fee"),
        "sla_penalty": _l("SLA penalty"),
        "override": _l("Override"),
        "formula": _l("Formula"),
        "clawback": _l("Clawback"),
        "release": _l("Release"),
        "advance": _l("Advance"),
        "advance_recovery": _l("Advance recovery"),
        "cap": _l("Cap"),
        "guarantee": _l("Minimum guarantee"),
        "floor": _l("Floor"),
        "floor_recovery": _l("Floor recovery"),
        "delta": _l("Delta (recalculation)"),
    },
    "line_status": {"payable": _l("payable"), "held": _l("held"), "released": _l("released")},
    "plan_status": {"draft": _l("draft"), "published": _l("published"), "retired": _l("retired")},
    "period_status": {"open": _l("open"), "validated": _l("validated"), "approved": _l("approved")},
    "run_status": {
        "queued": _l("queued"),
        "running": _l("running"),
        "succeeded": _l("succeeded"),
        "failed": _l("failed"),
        "superseded": _l("superseded"),
    },
    "field": {
        "product": _l("product"),
        "offer": _l("offer"),
        "option": _l("option"),
        "category": _l("category"),
        "segment": _l("segment"),
        "territory": _l("territory"),
        "status": _l("status"),
        "status_reason": _l("status reason"),
        "partner_kind": _l("partner kind"),
        "job_type": _l("job type"),
        "outcome": _l("outcome"),
    },
    "metric": {
        "activations": _l("activations"),
        "signatures": _l("signatures"),
        "terminations": _l("terminations"),
        "churn_rate": _l("churn rate"),
        "yearly_volume_activated": _l("yearly volume activated"),
        "volume_billed": _l("volume billed"),
        "kwh_billed": _l("kWh billed"),
        "smc_billed": _l("Smc billed"),
        "amount_billed": _l("amount billed"),
        "fixed_fee_billed": _l("fixed fee billed"),
        "jobs": _l("jobs"),
        "jobs_within_sla": _l("jobs within SLA"),
        "sla_rate": _l("SLA rate"),
        "first_time_fix_rate": _l("first-time-fix rate"),
    },
    "hold": {
        "active": _l("until the supply is active"),
        "first_bill_paid": _l("until the customer has paid a bill"),
        "bill_paid": _l("until this bill is paid"),
        "periods": _l("for a number of periods"),
        "period": _l("until the statement of"),
    },
    "source_kind": {
        "contract": _l("Contract"),
        "billing_line": _l("Billing line"),
        "service_order": _l("Service order"),
        "downline_lines": _l("Downline's lines"),
        "metric": _l("Period metric"),
        "assignment": _l("Plan assignment"),
        "line": _l("Earlier line"),
        "statement": _l("Statement"),
    },
    "tier_mode": {"retroactive": _l("retroactive (the tier reached applies to the whole volume)"),
                  "marginal": _l("marginal (each tier applies to its own slice)")},
    "clawback_mode": {"full": _l("in full"), "pro_rata": _l("pro rata to the months not served")},
    "override_basis": {"commissions": _l("the downline's commissions"),
                       "amount_billed": _l("the downline's billed sales")},
    "basis": {
        "activation": _l("activation"),
        "signature": _l("signature"),
        "fixed_fee": _l("fixed fee billed"),
        "penalty": _l("penalty"),
        "agreement": _l("agreement"),
        "statement payable": _l("payable in the statement"),
        "commissions of downline": _l("commissions of the downline"),
        "amount_billed of downline": _l("billed sales of the downline"),
    },
    "progress": {
        "queued": _l("queued"),
        "reading inputs": _l("reading inputs"),
        "computing": _l("computing"),
        "writing lines": _l("writing lines"),
        "done": _l("done"),
        "unchanged inputs: the current run stands": _l("unchanged inputs: the current run stands"),
    },
    "dated_on": {"activated_on": _l("on activation"), "signed_on": _l("on signature")},
}


def term(group: str, value) -> str:
    """Return the readable name of ``value`` in ``group`` (the value itself when it has none)."""
    if value is None:
        return ""
    label = TERMS.get(group, {}).get(value)
    return str(label) if label is not None else str(value)


def number(value) -> str:
    """Return exact decimal text (a rate, a volume) in the page's locale with the places it has; other text as
    it is."""
    if value is None or value == "":
        return ""
    try:
        exact = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not exact.is_finite():
        return str(value)
    places = max(0, -exact.as_tuple().exponent)
    return format_decimal(exact, format="#,##0" + ("." + "0" * places if places else ""))
