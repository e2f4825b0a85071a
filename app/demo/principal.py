"""The principal of the demo (mandante): the utility that pays the network. A fictitious company.

There is no principal table yet; the app can show :data:`PRINCIPAL` (header of statements, invoices' buyer).
The VAT number has a valid check digit and the VAT office code of Milan (015).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    """The utility's registry data, as printed on a self-billed invoice."""

    name: str
    vat_number: str
    fiscal_code: str
    address: str
    postcode: str
    city: str
    province: str
    rea: str
    sdi_code: str
    email: str
    iban: str
    split_payment: bool

    @property
    def one_line_address(self) -> str:
        return f"{self.address}, {self.postcode} {self.city} ({self.province})"


PRINCIPAL = Principal(
    name="Sorgente Energia S.p.A.",
    vat_number="04567890159",
    fiscal_code="04567890159",
    address="Via Alessandro Volta 18",
    postcode="20121",
    city="Milano",
    province="MI",
    rea="MI-1765432",
    sdi_code="M5UXCR1",
    email="amministrazione@sorgente-energia.example",
    iban="IT60X0542811101000000123456",
    split_payment=False,
)
