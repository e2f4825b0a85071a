"""The downloadable templates: each layout's header and a few example rows, as CSV and as XLSX.

The examples of all sources fit together and fit a small network (agencies AGA/AGB, agents A1/B1, installer I1,
product ELE with offer ELE-FIX, contract C-A1): imported in dependency order (catalogue, partners, contracts,
status events, billing lines, service orders, targets) every template reads without a problem, so a user can
start from a file that is known to work.

CSV templates use ``;`` as separator (what Excel writes in Italy) and UTF-8 with a BOM, so Excel opens them with
accents intact. XLSX templates put the rows on the first sheet (the one that is read) and describe the columns
on a second one.
"""

import csv
import io

from app.services.imports.layouts import Layout
from app.services.imports.layouts import text_of

_PARTNER_PROFILE = {"fiscal_category": "agent", "vat_regime": "ordinary", "reduced_withholding_base": "no"}

EXAMPLES: dict[str, list[dict[str, str]]] = {
    "catalogue": [
        {"record_type": "product", "code": "GAS", "name": "Gas naturale", "commodity": "gas", "unit": "Smc"},
        {"record_type": "offer", "code": "GAS-FIX", "name": "Gas Fisso 12 mesi", "product_code": "GAS",
         "category": "fixed", "valid_from": "2026-01-01"},
        {"record_type": "offer", "code": "ELE-GREEN", "name": "Luce Verde 100%", "product_code": "ELE",
         "category": "green", "valid_from": "2026-01-01", "valid_to": "2026-12-31"},
        {"record_type": "option", "code": "GREEN", "name": "Energia verde certificata", "product_code": "ELE"},
        {"record_type": "option", "code": "EBILL", "name": "Bolletta digitale"},
    ],
    "partners": [
        {"partner_code": "AGC", "name": "Agenzia Gamma Srl", "kind": "agency", "territory": "Veneto",
         "vat_number": "02345670158", "fiscal_code": "02345670158", "address": "Via Roma 1", "city": "Padova",
         "province": "PD", "postcode": "35121", "iban": "IT60X0542811101000000123456",
         "email": "amministrazione@agenziagamma.it", "phone": "+39 049 1234567", "active_from": "2026-01-01",
         "fiscal_valid_from": "2026-01-01", "legal_form": "company", "enasarco": "multi_firm", **_PARTNER_PROFILE},
        {"partner_code": "C1", "name": "Anna Gialli", "kind": "agent", "territory": "Veneto",
         "vat_number": "07654320964", "fiscal_code": "GLLNNA85M41L736Z", "city": "Vicenza", "province": "VI",
         "email": "anna.gialli@example.it", "active_from": "2026-02-01", "parent_code": "AGC",
         "parent_valid_from": "2026-02-01", "fiscal_valid_from": "2026-02-01", "legal_form": "individual",
         "enasarco": "mono_firm", **_PARTNER_PROFILE, "vat_regime": "flat_rate"},
    ],
    "contracts": [
        {"contract_id": "C-2001", "customer_id": "CU-2001", "customer_name": "Carla Bianchi",
         "customer_fiscal_code": "BNCCRL90A41F205K", "segment": "residential", "territory": "Lombardia",
         "city": "Milano", "partner_code": "A1", "product_code": "ELE", "offer_code": "ELE-GREEN",
         "options": "GREEN, EBILL", "supply_point": "IT001E00012345", "status": "signed", "signed_on": "2026-03-02",
         "yearly_volume": "2700.000"},
        {"contract_id": "C-2002", "customer_id": "CU-2002", "customer_name": "Bar Centrale Snc",
         "customer_fiscal_code": "01234560017", "segment": "business", "territory": "Veneto", "city": "Padova",
         "partner_code": "C1", "product_code": "GAS", "offer_code": "GAS-FIX", "supply_point": "01234567890123",
         "status": "active", "signed_on": "2026-02-10", "activated_on": "2026-04-01", "yearly_volume": "9000.000"},
    ],
    "status_events": [
        {"contract_id": "C-2001", "status": "validated", "event_date": "2026-03-05"},
        {"contract_id": "C-2001", "status": "switching", "event_date": "2026-03-09"},
        {"contract_id": "C-2001", "status": "active", "event_date": "2026-04-01"},
    ],
    "billing_lines": [
        {"billing_line_id": "BL-C-A1-2026-03", "contract_id": "C-A1", "period_start": "2026-03-01",
         "period_end": "2026-03-31", "volume": "228.400", "amount_billed": "59.80", "fixed_fee_billed": "12.00",
         "paid": "yes", "paid_on": "2026-04-20"},
        {"billing_line_id": "BL-C-2002-2026-04", "contract_id": "C-2002", "period_start": "2026-04-01",
         "period_end": "2026-04-30", "volume": "980.000", "amount_billed": "880.50", "fixed_fee_billed": "18.00",
         "paid": "no"},
    ],
    "service_orders": [
        {"service_order_id": "SO-3001", "partner_code": "I1", "contract_id": "C-A1", "job_type": "boiler_maintenance",
         "opened_at": "2026-03-03 09:00", "completed_at": "2026-03-04 15:30", "sla_hours": "72",
         "outcome": "completed", "first_time_fix": "yes", "rating": "5"},
        {"service_order_id": "SO-3002", "partner_code": "I1", "job_type": "repair", "opened_at": "2026-03-10 14:00",
         "sla_hours": "24", "outcome": "failed", "first_time_fix": "no"},
    ],
    "targets": [
        {"partner_code": "A1", "year": "2026", "kpi": "activations", "value": "120"},
        {"partner_code": "C1", "year": "2026", "month": "4", "kpi": "kwh_billed", "value": "35000.500"},
    ],
}


def example_rows(layout: Layout) -> list[list[str]]:
    """Return the example rows of ``layout`` as lists of text in field order."""
    return [[row.get(name, "") for name in layout.names] for row in EXAMPLES[layout.source]]


def template_csv(layout: Layout) -> bytes:
    """Return the CSV template of ``layout``: the header and the example rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(layout.names)
    writer.writerows(example_rows(layout))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(layout: Layout) -> bytes:
    """Return the XLSX template of ``layout`` (the column guide translated while serving a request)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = layout.source
    sheet.append(layout.names)
    for row in example_rows(layout):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    guide = workbook.create_sheet("layout")
    guide.append(["field", "kind", "required", "description"])
    for field in layout.fields:
        guide.append([field.name, field.kind, "yes" if field.required else "no", text_of(field.help)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
