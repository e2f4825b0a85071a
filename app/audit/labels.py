"""Translated labels of the audit log's action codes and entity types.

Each audit entry keeps the code of its action (``dispute.raised``) and the English summary written when it was
recorded; pages show these labels in the reader's language instead. A code without a label (an action that is
no longer written, say) reads as its words: ``foo.bar_baz`` becomes "Foo bar baz".
"""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "accounting_mapping.added": _l("Accounting mapping added"),
    "accounting_mapping.changed": _l("Accounting mapping changed"),
    "accounting_mapping.deleted": _l("Accounting mapping deleted"),
    "adjustment.booked": _l("Adjustment booked"),
    "api.pushed": _l("Data received through the API"),
    "api_token.created": _l("API token created"),
    "api_token.revoked": _l("API token revoked"),
    "auth.login": _l("Signed in"),
    "auth.login_failed": _l("Sign-in failed"),
    "auth.logout": _l("Signed out"),
    "batch.approved": _l("Invoice batch approved"),
    "batch.built": _l("Invoice batch built"),
    "batch.decision_refused": _l("Decision on the invoice batch refused"),
    "batch.exported": _l("Invoice batch exported to accounting"),
    "batch.rejected": _l("Invoice batch rejected"),
    "calculation.failed": _l("Calculation failed"),
    "calculation.run": _l("Calculation run"),
    "customer.imported_change": _l("Customer changed by an import"),
    "cycle.started": _l("Commission cycle started"),
    "demo.seeded": _l("Demo data loaded"),
    "dispute.carried": _l("Dispute carried to the next period"),
    "dispute.line_resolved": _l("Disputed line resolved"),
    "dispute.raised": _l("Dispute raised"),
    "dispute.resolved": _l("Dispute resolved"),
    "fiscal_profile.changed": _l("Fiscal profile changed"),
    "fiscal_profile.imported": _l("Fiscal profile imported"),
    "fiscal_profile.imported_change": _l("Fiscal profile changed by an import"),
    "import.completed": _l("Import completed"),
    "import.failed": _l("Import failed"),
    "import.rejected": _l("Import rejected"),
    "import.uploaded": _l("File uploaded for import"),
    "invoice.email_failed": _l("Invoice e-mail failed"),
    "invoice.emailed": _l("Invoice e-mailed"),
    "invoice.issued": _l("Invoice issued"),
    "invoice_batch.emailed": _l("Invoice batch e-mailed"),
    "invoice_batch.issued": _l("Invoice batch issued"),
    "offer.imported_change": _l("Offer changed by an import"),
    "option.imported_change": _l("Product option changed by an import"),
    "partner.details_changed": _l("Partner details changed"),
    "partner.imported": _l("Partner imported"),
    "partner.imported_change": _l("Partner changed by an import"),
    "partner.moved": _l("Partner moved in the network"),
    "period.approved": _l("Period approved"),
    "period.created": _l("Period opened"),
    "period.validated": _l("Calculation validated"),
    "plan.assigned": _l("Plan assigned"),
    "plan.assignment_ended": _l("Plan assignment ended"),
    "plan.imported": _l("Plan version saved"),
    "plan.published": _l("Plan version published"),
    "plan.version_ended": _l("Plan version ended"),
    "product.imported_change": _l("Product changed by an import"),
    "salesforce.connection_changed": _l("Salesforce connection changed"),
    "salesforce.mapping_changed": _l("Salesforce field mapping changed"),
    "salesforce.sync_failed": _l("Salesforce sync failed"),
    "salesforce.synced": _l("Salesforce sync completed"),
    "setting.changed": _l("Setting changed"),
    "statement.accepted": _l("Statement accepted"),
    "statement.accepted_by_default": _l("Statement accepted when the dispute window closed"),
    "statement.closed": _l("Statement closed"),
    "statement.revised": _l("Statement revised"),
    "statements.published": _l("Statements published"),
    "target.imported_change": _l("Target changed by an import"),
    "user.created": _l("User created"),
    "user.locale_changed": _l("Language changed"),
    "workflow.retried": _l("Failed process retried"),
    "workflow.task_claimed": _l("Task claimed"),
    "workflow.task_completed": _l("Task completed"),
    "workflow.task_released": _l("Task released"),
}

ENTITY_LABELS = {
    "accounting_mapping": _l("Accounting mapping"),
    "adjustment": _l("Adjustment"),
    "api_token": _l("API token"),
    "commission_period": _l("Period"),
    "company_setting": _l("Setting"),
    "customer": _l("Customer"),
    "dispute": _l("Dispute"),
    "disputed_line": _l("Disputed line"),
    "human_task": _l("Task"),
    "import_batch": _l("Import batch"),
    "invoice": _l("Invoice"),
    "invoice_batch": _l("Invoice batch"),
    "offer": _l("Offer"),
    "option": _l("Product option"),
    "partner": _l("Partner"),
    "plan": _l("Plan"),
    "plan_version": _l("Plan version"),
    "process_instance": _l("Process"),
    "product": _l("Product"),
    "salesforce_connection": _l("Salesforce connection"),
    "salesforce_object": _l("Salesforce object"),
    "salesforce_sync": _l("Salesforce sync"),
    "statement": _l("Statement"),
    "target": _l("Target"),
    "user": _l("User"),
}


def _readable(code: str) -> str:
    words = code.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def action_label(action: str) -> str:
    """Return the reader's-language label of an audit action code."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else _readable(action)


def entity_label(entity_type: str) -> str:
    """Return the reader's-language name of an audited entity type."""
    label = ENTITY_LABELS.get(entity_type)
    return str(label) if label is not None else _readable(entity_type)
