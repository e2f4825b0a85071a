"""FatturaPA (e-invoice) codes that follow from a partner's tax items.

Only the codes: building the XML is the invoicing service's job. Amounts keep the sign of the invoice;
a negative taxable is a credit note (TD04).
"""

from dataclasses import dataclass
from decimal import Decimal

from calc.money import CENT
from calc.tax.enasarco import EnasarcoShare
from calc.tax.profile import TaxProfile
from calc.tax.vat import Stamp
from calc.tax.vat import Vat
from calc.tax.withholding import Withholding

ENASARCO_KIND = "RT04"


@dataclass(frozen=True)
class WithholdingEntry:
    """One DatiRitenuta block."""

    kind: str  # TipoRitenuta: RT01, RT02, RT04
    amount: Decimal  # ImportoRitenuta
    rate_percent: Decimal  # AliquotaRitenuta, e.g. 23.00 (the amount is on the 50% base) or 8.50
    payment_reason: str  # CausalePagamento


@dataclass(frozen=True)
class EInvoiceCodes:
    """The FatturaPA codes of one invoice."""

    document_type: str  # TipoDocumento: TD01 invoice, TD04 credit note
    tax_regime: str  # RegimeFiscale: RF01 ordinary, RF19 flat rate
    vat_nature: str | None  # Natura: N2.2 for flat-rate partners
    vat_chargeability: str | None  # EsigibilitaIVA: I immediate, S split payment
    virtual_stamp: bool  # DatiBollo/BolloVirtuale = SI
    stamp_amount: Decimal  # DatiBollo/ImportoBollo, always positive
    withholdings: tuple[WithholdingEntry, ...]

    @property
    def withholding_kinds(self) -> tuple[str, ...]:
        """Return the TipoRitenuta codes in document order."""
        return tuple(entry.kind for entry in self.withholdings)


def _percent(rate: Decimal) -> Decimal:
    return (rate * 100).quantize(CENT)


def _enasarco_entry(profile: TaxProfile, shares: tuple[EnasarcoShare, ...], amount: Decimal):
    bands = [band for share in shares for band in share.bands]
    if not bands or not amount:
        return None
    # One RT04 block per invoice: when the base crosses a bracket or a year, the rate shown is the last one.
    return WithholdingEntry(
        ENASARCO_KIND, amount, _percent(bands[-1].agent_rate), profile.enasarco_payment_reason
    )


def einvoice_codes(
    profile: TaxProfile,
    taxable: Decimal,
    vat: Vat,
    withholding: Withholding,
    enasarco_shares: tuple[EnasarcoShare, ...],
    stamp: Stamp,
) -> EInvoiceCodes:
    """Return the FatturaPA codes of an invoice with the given tax items."""
    entries = []
    if withholding.kind is not None and withholding.amount:
        entries.append(
            WithholdingEntry(
                withholding.kind, withholding.amount, _percent(withholding.rate), withholding.payment_reason
            )
        )
    enasarco_agent = sum((share.agent for share in enasarco_shares), Decimal(0))
    enasarco_entry = _enasarco_entry(profile, enasarco_shares, enasarco_agent)
    if enasarco_entry is not None:
        entries.append(enasarco_entry)
    return EInvoiceCodes(
        document_type="TD04" if taxable < 0 else "TD01",
        tax_regime=vat.tax_regime,
        vat_nature=vat.nature,
        vat_chargeability=vat.chargeability,
        virtual_stamp=stamp.due,
        stamp_amount=abs(stamp.amount),
        withholdings=tuple(entries),
    )
