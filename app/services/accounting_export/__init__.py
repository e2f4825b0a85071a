"""The accounting export: one CSV file of supplier-invoice postings (for SAP) per issued invoice batch.

``postings`` turns one pro-forma invoice into balanced posting lines, ``layout`` writes them in the documented
CSV layout (docs/accounting-export.md), ``batch`` exports a whole batch once: the file, its checksum in the
batch and in the audit log. ``company_code`` is the principal's SAP company code (a dated company setting) that
every row carries.
"""

from app.services.accounting_export.batch import ExportError
from app.services.accounting_export.batch import export_batch
from app.services.accounting_export.batch import file_name
from app.services.accounting_export.layout import COLUMNS

__all__ = ["COLUMNS", "ExportError", "export_batch", "file_name"]
