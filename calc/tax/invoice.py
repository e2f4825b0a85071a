"""The tax and social-security items of one partner invoice (a statement's pro-forma).

ENASARCO follows the accrual clock: it is computed per accrual year, each year with its own rate, ceiling
and year-to-date base, and the years are added. VAT, withholding and stamp duty are computed once on the
statement total, with the figures of the payment year (or, without a payment date, of the latest accrual
year). ``enasarco_base_ytd`` is the relationship's position in the accrual year before the statement: the
ENASARCO base already used, or better the commissions accrued so far (see calc.tax.enasarco for why).
Every item is rounded to cents on its own; totals are sums of rounded items:

    document_total = taxable + vat + stamp (when re-billed)
    net_payable = document_total - withholding - enasarco_agent - vat (when in split payment)
"""

from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from calc.money import ZERO
from calc.tax.enasarco import EnasarcoShare
from calc.tax.enasarco import enasarco_share
from calc.tax.errors import TaxError
from calc.tax.fatturapa import EInvoiceCodes
from calc.tax.fatturapa import einvoice_codes
from calc.tax.inputs import cents
from calc.tax.inputs import checked_date
from calc.tax.inputs import checked_profile
from calc.tax.inputs import year_of
from calc.tax.profile import TaxProfile
from calc.tax.vat import stamp
from calc.tax.vat import vat
from calc.tax.withholding import withholding


@dataclass(frozen=True)
class InvoiceTaxes:
    """Every tax item of one invoice, the totals they give, and the FatturaPA codes."""

    taxable: Decimal
    vat: Decimal
    withholding: Decimal
    enasarco_agent: Decimal
    enasarco_principal: Decimal
    stamp_duty: Decimal
    document_total: Decimal
    net_payable: Decimal
    vat_rate: Decimal
    split_payment: bool
    withholding_rate: Decimal
    withholding_base: Decimal
    enasarco_base: Decimal
    enasarco_years: tuple[EnasarcoShare, ...]
    stamp_rebilled: bool
    fatturapa: EInvoiceCodes

    @property
    def enasarco_base_by_year(self) -> dict[int, Decimal]:
        """Return the ENASARCO base used per accrual year, to carry into the next statement."""
        return {share.year: share.base for share in self.enasarco_years}

    @property
    def enasarco_ytd_after_by_year(self) -> dict[int, Decimal]:
        """Return the year-to-date position per accrual year after this statement."""
        return {share.year: share.ytd_after for share in self.enasarco_years}

    @property
    def principal_cost(self) -> Decimal:
        """Return what the invoice costs the principal: document total plus its ENASARCO share."""
        return self.document_total + self.enasarco_principal


def _amounts_by_year(parts) -> dict[int, Decimal]:
    amounts: dict[int, Decimal] = {}
    for index, part in enumerate(parts):
        try:
            accrual, amount = part
        except (TypeError, ValueError) as exc:
            raise TaxError(f"parts[{index}]: expected (accrual date or year, amount), got {part!r}") from exc
        year = year_of(accrual, f"parts[{index}] accrual")
        amounts[year] = amounts.get(year, ZERO) + cents(amount, f"parts[{index}] amount")
    if not amounts:
        raise TaxError("parts: a statement needs at least one (accrual date or year, amount)")
    return dict(sorted(amounts.items()))


def _enasarco_shares(profile, amounts_by_year, base_ytd) -> tuple[EnasarcoShare, ...]:
    if not profile.has_enasarco:
        return ()
    if not isinstance(base_ytd, Mapping):
        raise TaxError(f"enasarco_base_ytd: expected a mapping of year to amount, got {base_ytd!r}")
    shares = []
    for year, amount in amounts_by_year.items():
        if year not in base_ytd:
            raise TaxError(f"enasarco_base_ytd has no entry for accrual year {year}")
        ytd = cents(base_ytd[year], f"enasarco_base_ytd[{year}]")
        shares.append(enasarco_share(profile, year, amount, ytd))
    return tuple(shares)


def statement_taxes(
    profile: TaxProfile,
    parts: Iterable[tuple[date | int, Decimal]],
    enasarco_base_ytd: Mapping[int, Decimal],
    payment_date: date | None = None,
) -> InvoiceTaxes:
    """Compute the tax items of a statement whose lines may accrue in more than one calendar year."""
    profile = checked_profile(profile)
    amounts_by_year = _amounts_by_year(parts)
    taxable = sum(amounts_by_year.values(), ZERO)
    if payment_date is None:
        fiscal_year = max(amounts_by_year)
    else:
        fiscal_year = checked_date(payment_date, "payment_date").year
    vat_item = vat(profile, taxable, fiscal_year)
    withholding_item = withholding(profile, taxable, fiscal_year)
    stamp_item = stamp(profile, taxable, fiscal_year)
    shares = _enasarco_shares(profile, amounts_by_year, enasarco_base_ytd)
    enasarco_agent = sum((share.agent for share in shares), ZERO)
    stamp_charged = stamp_item.amount if stamp_item.rebilled else ZERO
    document_total = taxable + vat_item.amount + stamp_charged
    vat_kept = vat_item.amount if vat_item.split_payment else ZERO
    return InvoiceTaxes(
        taxable=taxable,
        vat=vat_item.amount,
        withholding=withholding_item.amount,
        enasarco_agent=enasarco_agent,
        enasarco_principal=sum((share.principal for share in shares), ZERO),
        stamp_duty=stamp_item.amount,
        document_total=document_total,
        net_payable=document_total - withholding_item.amount - enasarco_agent - vat_kept,
        vat_rate=vat_item.rate,
        split_payment=vat_item.split_payment,
        withholding_rate=withholding_item.rate,
        withholding_base=withholding_item.base,
        enasarco_base=sum((share.base for share in shares), ZERO),
        enasarco_years=shares,
        stamp_rebilled=stamp_item.rebilled,
        fatturapa=einvoice_codes(profile, taxable, vat_item, withholding_item, shares, stamp_item),
    )


def invoice_taxes(
    profile: TaxProfile,
    taxable: Decimal,
    accrual_date: date,
    enasarco_base_ytd: Decimal,
    payment_date: date | None = None,
) -> InvoiceTaxes:
    """Compute the tax items of an invoice whose commissions accrue in one calendar year."""
    accrual_date = checked_date(accrual_date, "accrual_date")
    base_ytd = cents(enasarco_base_ytd, "enasarco_base_ytd")
    return statement_taxes(
        profile,
        [(accrual_date, taxable)],
        {accrual_date.year: base_ytd},
        payment_date=payment_date,
    )
