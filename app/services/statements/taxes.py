"""The tax and social-security items of a statement, from the partner's dated fiscal profile, the company's dated
settings, and the ENASARCO position kept per partner and year in the ledger."""

import dataclasses
from datetime import date
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.settings import EnasarcoLedgerEntry
from app.services import fiscal
from app.services import settings
from calc.money import ZERO
from calc.tax import InvoiceTaxes
from calc.tax import TaxProfile
from calc.tax import statement_taxes


class MissingFiscalProfile(ValueError):
    """A partner with earnings has no fiscal profile on the period's date."""


def commissions_to_date(session: Session, partner_id: int, years: set[int]) -> dict[int, Decimal]:
    """Return, per year, the commissions already subject to ENASARCO for the partner (its ytd position)."""
    rows = session.execute(select(EnasarcoLedgerEntry.year, func.sum(EnasarcoLedgerEntry.commissions))
                           .where(EnasarcoLedgerEntry.partner_id == partner_id, EnasarcoLedgerEntry.year.in_(years))
                           .group_by(EnasarcoLedgerEntry.year))
    position = {year: ZERO for year in years}
    position.update({year: Decimal(total or 0).quantize(Decimal("0.01")) for year, total in rows})
    return position


@dataclasses.dataclass(frozen=True)
class CompanyTerms:
    """The company settings every statement of a date is taxed with (read once for a whole publication)."""

    split_payment: bool
    stamp_rebilled: bool
    enasarco_payment_reason: str


def company_terms(session: Session, on: date) -> CompanyTerms:
    """Return the company settings in force on ``on`` that enter the tax items."""
    return CompanyTerms(bool(settings.value_on(session, "principal_split_payment", on)),
                        bool(settings.value_on(session, "stamp_rebilled", on)),
                        str(settings.value_on(session, "enasarco_payment_reason", on)))


def profile_for(session: Session, partner_id: int, on: date, terms: CompanyTerms | None = None) -> TaxProfile:
    """Return the tax profile of ``partner_id`` on ``on`` with the company settings of that date."""
    stored = fiscal.profile_on(session, partner_id, on)
    if stored is None:
        raise MissingFiscalProfile(f"partner {partner_id} has no fiscal profile on {on.isoformat()}")
    terms = terms or company_terms(session, on)
    return dataclasses.replace(fiscal.tax_profile(stored, terms.split_payment), stamp_rebilled=terms.stamp_rebilled,
                               enasarco_payment_reason=terms.enasarco_payment_reason)


def compute(session: Session, partner_id: int, on: date, parts: list[tuple[date, Decimal]],
            terms: CompanyTerms | None = None) -> InvoiceTaxes:
    """Return the tax items of a statement whose taxable amounts accrue on the dates of ``parts``."""
    if not parts:
        parts = [(on, ZERO)]
    years = {day.year for day, _ in parts}
    return statement_taxes(profile_for(session, partner_id, on, terms), parts,
                           commissions_to_date(session, partner_id, years))


def ledger_entries(partner_id: int, statement_id: int, taxes: InvoiceTaxes) -> list[EnasarcoLedgerEntry]:
    """Return the ledger entries recording the ENASARCO base a statement used, one per accrual year."""
    return [EnasarcoLedgerEntry(partner_id=partner_id, year=share.year, statement_id=statement_id,
                                commissions=share.commissions, base=share.base, agent_share=share.agent,
                                principal_share=share.principal)
            for share in taxes.enasarco_years]


def tax_detail(taxes: InvoiceTaxes) -> dict:
    """Return the explanation of the items kept with the statement: rates, bases and FatturaPA codes."""
    codes = taxes.fatturapa
    return {
        "vat_rate": str(taxes.vat_rate), "split_payment": taxes.split_payment,
        "withholding_rate": str(taxes.withholding_rate), "withholding_base": str(taxes.withholding_base),
        "enasarco_base": str(taxes.enasarco_base), "stamp_rebilled": taxes.stamp_rebilled,
        "enasarco_years": [{"year": s.year, "commissions": str(s.commissions), "base_ytd": str(s.base_ytd),
                            "base": str(s.base), "agent": str(s.agent), "principal": str(s.principal)}
                           for s in taxes.enasarco_years],
        "fatturapa": {"document_type": codes.document_type, "tax_regime": codes.tax_regime,
                      "vat_nature": codes.vat_nature, "vat_chargeability": codes.vat_chargeability,
                      "virtual_stamp": codes.virtual_stamp, "stamp_amount": str(codes.stamp_amount),
                      "withholdings": [{"kind": w.kind, "amount": str(w.amount), "rate_percent": str(w.rate_percent),
                                        "payment_reason": w.payment_reason} for w in codes.withholdings]},
    }
