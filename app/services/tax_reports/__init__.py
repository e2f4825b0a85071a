"""Tax reports for finance: quarterly ENASARCO, yearly FIRR and the monthly F24 withholding summary.

Each report is read set-based from the amounts stored when statements were published and invoices issued (the
ENASARCO ledger, invoices) and completed with calc.tax (minimum shortfall, FIRR, due dates). Amounts are exact
Decimals; every report has ``rows``, ``totals`` and ``columns``, so one exporter writes them all.
"""

from app.services.tax_reports.common import report_years
from app.services.tax_reports.enasarco import EnasarcoQuarter
from app.services.tax_reports.enasarco import EnasarcoRow
from app.services.tax_reports.enasarco import enasarco_quarter
from app.services.tax_reports.export import to_csv
from app.services.tax_reports.export import to_xlsx
from app.services.tax_reports.firr import FirrRow
from app.services.tax_reports.firr import FirrYear
from app.services.tax_reports.firr import firr_due_date
from app.services.tax_reports.firr import firr_year
from app.services.tax_reports.withholding import WithholdingMonth
from app.services.tax_reports.withholding import WithholdingRow
from app.services.tax_reports.withholding import withholding_month

__all__ = [
    "EnasarcoQuarter",
    "EnasarcoRow",
    "FirrRow",
    "FirrYear",
    "WithholdingMonth",
    "WithholdingRow",
    "enasarco_quarter",
    "firr_due_date",
    "firr_year",
    "report_years",
    "to_csv",
    "to_xlsx",
    "withholding_month",
]
