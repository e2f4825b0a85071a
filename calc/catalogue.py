"""The vocabulary plans are written in: filter fields, the metric library's names, line kinds.

Kept apart from the code that implements them so that plan validation can name what exists without
importing the engine.
"""

# Filter fields a component may name, by the source its transactions come from. ``option`` matches one of
# the contract's comma-separated options; ``partner_kind`` is the kind of the credited partner.
CONTRACT_FIELDS = (
    "product",
    "offer",
    "option",
    "category",
    "segment",
    "territory",
    "status",
    "status_reason",
    "partner_kind",
)
ORDER_FIELDS = ("job_type", "outcome", "partner_kind", "territory")
FILTER_FIELDS = tuple(dict.fromkeys(CONTRACT_FIELDS + ORDER_FIELDS))

# The metric library: name -> (source, unit). Counts are plain numbers, volumes are kWh/Smc, money is euro,
# rates and attainment are fractions (1 = 100 %).
METRICS: dict[str, tuple[str, str]] = {
    "activations": ("contracts", "count"),
    "signatures": ("contracts", "count"),
    "terminations": ("contracts", "count"),
    "churn_rate": ("contracts", "fraction"),
    "yearly_volume_activated": ("contracts", "volume"),
    "volume_billed": ("billing_lines", "volume"),
    "kwh_billed": ("billing_lines", "volume"),
    "smc_billed": ("billing_lines", "volume"),
    "amount_billed": ("billing_lines", "euro"),
    "fixed_fee_billed": ("billing_lines", "euro"),
    "jobs": ("service_orders", "count"),
    "jobs_within_sla": ("service_orders", "count"),
    "sla_rate": ("service_orders", "fraction"),
    "first_time_fix_rate": ("service_orders", "fraction"),
}

# What a line is, for statements and for the pay stage.
EARNED_KINDS = ("one_off", "recurring", "tier", "target_bonus", "sla_fee", "sla_penalty", "override", "formula")
LINE_KINDS = EARNED_KINDS + (
    "clawback",
    "release",
    "advance",
    "advance_recovery",
    "cap",
    "guarantee",
    "floor",
    "floor_recovery",
    "delta",
)
STATUSES = ("payable", "held", "released")
