"""The principal of the demo (mandante): the utility that pays the network. A fictitious company.

The seed stores it as the principal's dated company settings from :data:`SINCE` (see ``app.services.principal``),
so the demo's statements and invoices print it; the users' e-mail domain and the seed summary read it from here.
The VAT number has a valid check digit and the VAT office code of Milan (015).
"""

from datetime import date

from sqlalchemy.orm import Session

from app.services.principal import Principal
from app.services.principal import set_principal

SINCE = date(2000, 1, 1)  # before any demo period, so every demo document has a principal

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


def store_demo_principal(session: Session) -> list[str]:
    """Set the demo principal's registry data as company settings from :data:`SINCE`; return the keys set."""
    return set_principal(session, None, SINCE, PRINCIPAL.registry())
