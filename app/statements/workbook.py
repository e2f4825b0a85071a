"""A statement as an XLSX workbook: its lines with numeric amounts, and its totals and tax items."""

import io

from flask_babel import gettext as _

MONEY_FORMAT = "#,##0.00"


def totals_rows(statement) -> list[tuple[str, object]]:
    """Return the totals and tax items of ``statement`` as (label, amount) rows, in the page's order."""
    return [
        (_("Gross"), statement.gross), (_("On hold"), statement.held), (_("Payable"), statement.payable),
        (_("Adjustments"), statement.adjustments), (_("Taxable amount"), statement.taxable),
        (_("VAT"), statement.vat), (_("Withholding tax"), statement.withholding),
        (_("ENASARCO (agent share)"), statement.enasarco_agent), (_("Stamp duty"), statement.stamp_duty),
        (_("Document total"), statement.document_total), (_("Net payable"), statement.net_payable),
    ]


def to_xlsx(context: dict) -> bytes:
    """Return the statement in ``context`` (see ``statement_context``) as a workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    statement = context["statement"]
    workbook = Workbook()
    lines = workbook.active
    lines.title = _("Lines")[:31]
    lines.append([_("Plan"), _("Version"), _("Component"), _("Line kind"), _("Date"), _("Contract"), _("Status"),
                  _("Amount"), _("Original line"), _("Line key")])
    for group in context["groups"]:
        for line in group.lines:
            lines.append([line.plan_code, line.plan_version, line.component_id, line.line_kind, line.event_date,
                          line.contract_ref or line.source_ref, line.status, line.amount, line.original_line_key,
                          line.line_key])
    for adjustment in context["adjustments"]:
        lines.append([None, None, adjustment.component_id, adjustment.kind, None, None, None, adjustment.amount,
                      adjustment.original_line_key, adjustment.reason])
    for cell in lines["H"][1:]:
        cell.number_format = MONEY_FORMAT
    for cell in lines["E"][1:]:
        cell.number_format = "yyyy-mm-dd"
    totals = workbook.create_sheet(_("Totals")[:31])
    totals.append([_("Item"), _("Amount")])
    for label, amount in totals_rows(statement):
        totals.append([label, amount])
        totals.cell(totals.max_row, 2).number_format = MONEY_FORMAT
    for sheet in (lines, totals):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    totals.column_dimensions["A"].width = 28
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
