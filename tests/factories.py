"""A small, fully known partner network for tests: two agencies, agents, a sub-agent, an installer, and one
user per role (password ``secret``)."""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from app.models import BillingLine
from app.models import Contract
from app.models import ContractStatus
from app.models import Customer
from app.models import FiscalProfile
from app.models import Offer
from app.models import Partner
from app.models import PartnerKind
from app.models import PartnerLink
from app.models import Product
from app.models import Role
from app.models.catalogue import Commodity
from app.models.contract import Segment
from app.models.partner import EnasarcoMandate
from app.models.partner import FiscalCategory
from app.models.partner import LegalForm
from app.models.partner import VatRegime
from app.models.settings import CompanySetting
from app.services import accounts

PASSWORD = "secret"
# A cheap hash computed once: the suite signs in hundreds of times and must not pay scrypt each time.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
STAFF_USERS = {
    "admin": Role.ADMIN,
    "backoffice": Role.BACKOFFICE,
    "lead": Role.BACKOFFICE_LEAD,
    "sales": Role.SALES_MANAGER,
    "finance": Role.FINANCE,
    "auditor": Role.AUDITOR,
}
# The principal every test network has, from the networks' first day (the tests' documents print it).
PRINCIPAL_SINCE = date(2025, 1, 1)
TEST_PRINCIPAL = {
    "name": "Sorgente Energia S.p.A.", "vat_number": "04567890159", "fiscal_code": "04567890159",
    "address": "Via Alessandro Volta 18", "postcode": "20121", "city": "Milano", "province": "MI",
    "rea": "MI-1765432", "sdi_code": "M5UXCR1", "email": "amministrazione@sorgente-energia.example",
    "iban": "IT60X0542811101000000123456",
}


@dataclass
class Network:
    """Ids of the test network, by short name."""

    partners: dict[str, int] = field(default_factory=dict)
    contracts: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)


def _partner(session: Session, code: str, name: str, kind: PartnerKind, **extra) -> Partner:
    partner = Partner(code=code, name=name, kind=kind, territory=extra.pop("territory", "Lombardia"),
                      active_from=date(2025, 1, 1), **extra)
    session.add(partner)
    session.flush()
    session.add(FiscalProfile(
        partner_id=partner.id, valid_from=date(2025, 1, 1),
        fiscal_category=FiscalCategory.INSTALLER if kind == PartnerKind.INSTALLER else FiscalCategory.AGENT,
        legal_form=LegalForm.COMPANY if kind in (PartnerKind.AGENCY, PartnerKind.INSTALLER) else LegalForm.INDIVIDUAL,
        vat_regime=VatRegime.ORDINARY,
        enasarco=EnasarcoMandate.NONE if kind == PartnerKind.INSTALLER else EnasarcoMandate.MULTI_FIRM,
    ))
    return partner


def _link(session: Session, child: Partner, parent: Partner, valid_from: date, valid_to: date | None = None):
    session.add(PartnerLink(partner_id=child.id, parent_id=parent.id, valid_from=valid_from, valid_to=valid_to))


def _user(session: Session, username: str, full_name: str, roles: list[Role], partner_id: int | None = None) -> int:
    user = accounts.create_user(session, None, username=username, full_name=full_name, password=None,
                                roles=roles, partner_id=partner_id)
    user.password_hash = PASSWORD_HASH
    return user.id


def build_network(session: Session) -> Network:
    """Create the test network and commit it."""
    net = Network()
    aga = _partner(session, "AGA", "Agenzia Alfa Srl", PartnerKind.AGENCY, vat_number="01234567897")
    agb = _partner(session, "AGB", "Agenzia Beta Srl", PartnerKind.AGENCY, territory="Lazio")
    a1 = _partner(session, "A1", "Mario Rossi", PartnerKind.AGENT, fiscal_code="RSSMRA80A01F205X")
    a1a = _partner(session, "A1A", "Luca Bianchi", PartnerKind.SUB_AGENT)
    a2 = _partner(session, "A2", "Giulia Verdi", PartnerKind.AGENT)
    b1 = _partner(session, "B1", "Paolo Neri", PartnerKind.AGENT, territory="Lazio")
    inst = _partner(session, "I1", "Impianti Sud Snc", PartnerKind.INSTALLER, territory="Campania")
    _link(session, a1, aga, date(2025, 1, 1))
    _link(session, a1a, a1, date(2026, 1, 1))
    _link(session, a2, aga, date(2025, 1, 1), date(2026, 6, 1))
    _link(session, a2, agb, date(2026, 6, 1))
    _link(session, b1, agb, date(2025, 1, 1))
    for partner in (aga, agb, a1, a1a, a2, b1, inst):
        net.partners[partner.code] = partner.id

    product = Product(code="ELE", name="Energia elettrica", commodity=Commodity.ELECTRICITY, unit="kWh")
    session.add(product)
    session.flush()
    session.add(Offer(code="ELE-FIX", name="Luce Fissa", product_id=product.id, category="fixed",
                      valid_from=date(2025, 1, 1)))
    for code, seller in (("C-A1", a1), ("C-A1A", a1a), ("C-B1", b1)):
        customer = Customer(external_id=f"CU-{code}", name=f"Cliente {code}", segment=Segment.RESIDENTIAL,
                            territory=seller.territory)
        session.add(customer)
        session.flush()
        contract = Contract(external_id=code, customer_id=customer.id, partner_id=seller.id, product_code="ELE",
                            offer_code="ELE-FIX", supply_point=f"IT001E{abs(hash(code)) % 10**8:08d}",
                            status=ContractStatus.ACTIVE, signed_on=date(2026, 1, 10),
                            activated_on=date(2026, 2, 1), yearly_volume=Decimal("2700.000"))
        session.add(contract)
        session.flush()
        session.add(BillingLine(external_id=f"BL-{code}-2026-02", contract_external_id=code,
                                period_start=date(2026, 2, 1), period_end=date(2026, 2, 28),
                                volume=Decimal("231.500"), amount_billed=Decimal("61.35"),
                                fixed_fee_billed=Decimal("12.00"), paid=True, paid_on=date(2026, 3, 20)))
        net.contracts[code] = contract.id

    # written as rows, like the partners: a fixture, not a change anybody made (no audit entries)
    session.add_all(CompanySetting(key=f"principal_{field}", valid_from=PRINCIPAL_SINCE, value=value)
                    for field, value in TEST_PRINCIPAL.items())
    for username, role in STAFF_USERS.items():
        net.users[username] = _user(session, username, username.title(), [role])
    for username, partner in (("agenzia", aga), ("agente", a1), ("subagente", a1a), ("altro", b1)):
        net.users[username] = _user(session, username, partner.name, [Role.PARTNER], partner.id)
    session.commit()
    return net


# Two small plans used across the app tests: agents earn 50.00 per activated electricity contract and
# 0.004 per kWh billed; agencies earn 10% of their level-1 downline's lines.
AGENTS_PLAN = """
plan_id: agents-test
version: 1
name: Agenti test
valid_from: 2026-01-01
components:
  - kind: one_off
    id: activation
    filter: {product: [electricity]}
    rate_table:
      - amount: "50.00"
  - kind: recurring
    id: consumption
    basis: volume
    months: 12
    rate_table:
      - rate: "0.004"
"""

OVERRIDE_PLAN = """
plan_id: agencies-test
version: 1
name: Agenzie test
valid_from: 2026-01-01
components:
  - kind: override
    id: override
    of_plans: [agents-test]
    levels:
      - {level: 1, rate: "0.10"}
"""


def publish_test_plans(session: Session) -> None:
    """Publish the two test plans and assign them from 2026-01-01 (agents and sub-agents; agencies); commit."""
    from app.services import plans

    for text, groups in ((AGENTS_PLAN, ("agent", "sub_agent")), (OVERRIDE_PLAN, ("agency",))):
        version, _ = plans.import_yaml(session, None, text, publish=True)
        for group in groups:
            plans.assign(session, None, version.plan, date(2026, 1, 1), group=group)
    session.commit()
