"""Translated headings of the report columns and names of the ENASARCO positions, for pages and files."""

from flask_babel import lazy_gettext as _l

COLUMN_LABELS = {
    "code": _l("Code"),
    "name": _l("Partner"),
    "mandate": _l("Mandate"),
    "commissions": _l("Commissions"),
    "base": _l("ENASARCO base"),
    "agent_share": _l("Agent share"),
    "principal_share": _l("Principal share"),
    "contribution": _l("Contribution"),
    "year_commissions": _l("Commissions of the year"),
    "year_contributions": _l("Contributions of the year"),
    "months": _l("Months active"),
    "minimum": _l("Minimum (pro-rated)"),
    "shortfall": _l("Minimum shortfall"),
    "total": _l("Total to pay"),
    "due_date": _l("Due date"),
    "first_threshold": _l("4% up to"),
    "second_threshold": _l("2% up to"),
    "firr": "FIRR",
    "invoices": _l("Invoices"),
    "taxable": _l("Taxable"),
    "withholding": _l("Withholding"),
    "tax_code": _l("Tax code"),
}

MANDATE_LABELS = {
    "mono_firm": _l("Mono-firm"),
    "multi_firm": _l("Multi-firm"),
    "company": _l("Company (no ceiling or minimum)"),
    "none": _l("Not enrolled"),
}


def headers(columns) -> list[str]:
    """Return the translated headings of ``columns``."""
    return [str(COLUMN_LABELS[column.key]) for column in columns]


def value_labels() -> dict[str, dict[str, str]]:
    """Return the translated text of coded values, per column."""
    return {"mandate": {key: str(label) for key, label in MANDATE_LABELS.items()}}
