"""Tax and social-security items of partner invoices: VAT, withholding, ENASARCO, stamp duty, FIRR.

Pure Decimal computation on a partner's ``TaxProfile`` and dated figures from ``calc.tax.parameters``;
the rules are in ../shared/domain/italian-tax.md, section 6 deciding every open choice.
"""

from calc.tax.enasarco import EnasarcoBand
from calc.tax.enasarco import EnasarcoShare
from calc.tax.enasarco import enasarco_share
from calc.tax.errors import TaxError
from calc.tax.fatturapa import EInvoiceCodes
from calc.tax.fatturapa import WithholdingEntry
from calc.tax.firr import firr
from calc.tax.firr import firr_thresholds
from calc.tax.invoice import InvoiceTaxes
from calc.tax.invoice import invoice_taxes
from calc.tax.invoice import statement_taxes
from calc.tax.periods import F24Due
from calc.tax.periods import enasarco_due_date
from calc.tax.periods import months_active
from calc.tax.periods import quarter_of
from calc.tax.periods import withholding_f24
from calc.tax.profile import EnasarcoOverride
from calc.tax.profile import TaxProfile
from calc.tax.reports import enasarco_minimum
from calc.tax.reports import enasarco_shortfall

__all__ = [
    "EInvoiceCodes",
    "EnasarcoBand",
    "EnasarcoOverride",
    "EnasarcoShare",
    "F24Due",
    "InvoiceTaxes",
    "TaxError",
    "TaxProfile",
    "WithholdingEntry",
    "enasarco_due_date",
    "enasarco_minimum",
    "enasarco_share",
    "enasarco_shortfall",
    "firr",
    "firr_thresholds",
    "invoice_taxes",
    "months_active",
    "quarter_of",
    "statement_taxes",
    "withholding_f24",
]
