"""Demo users: one per role, and partner users for an agency, an agent with sub-agents, a sub-agent and an
installer. All share the password :data:`PASSWORD`; they are created through ``create_user`` so the audit log
records them.
"""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.demo.network import INSTALLER
from app.demo.network import DemoPartner
from app.demo.network import Network
from app.demo.principal import PRINCIPAL
from app.models import Role
from app.services.accounts import create_user

PASSWORD = "mandato"


@dataclass(frozen=True)
class DemoUser:
    """A demo login as printed in the summary."""

    username: str
    full_name: str
    role: Role
    partner: DemoPartner | None = None


STAFF = (
    DemoUser("admin", "Amministratore di sistema", Role.ADMIN),
    DemoUser("backoffice", "Giulia Ferri", Role.BACKOFFICE),
    DemoUser("lead", "Marco Galli", Role.BACKOFFICE_LEAD),
    DemoUser("sales", "Stefano Colombo", Role.SALES_MANAGER),
    DemoUser("finance", "Laura Fontana", Role.FINANCE),
    DemoUser("finance2", "Paolo Marchetti", Role.FINANCE),
    DemoUser("auditor", "Elena Rinaldi", Role.AUDITOR),
)
USERNAMES = tuple(user.username for user in STAFF) + ("agenzia", "agente", "subagente", "installatore")


def demo_users(network: Network) -> list[DemoUser]:
    """Return the demo users: staff, then the partner users on the first partner of each level."""
    agency, agent, sub_agent = (network.at_level(level)[0] for level in (1, 2, 3))
    installer = network.of_kind(INSTALLER)[0]
    return list(STAFF) + [
        DemoUser("agenzia", _contact(agency), Role.PARTNER, agency),
        DemoUser("agente", _contact(agent), Role.PARTNER, agent),
        DemoUser("subagente", _contact(sub_agent), Role.PARTNER, sub_agent),
        DemoUser("installatore", _contact(installer), Role.PARTNER, installer),
    ]


def _contact(partner: DemoPartner) -> str:
    return partner.person.full_name if partner.person else f"Referente {partner.name}"


def create_demo_users(session: Session, users: list[DemoUser]) -> dict[str, int]:
    """Create ``users`` with the demo password; return their ids by username."""
    domain = PRINCIPAL.email.split("@")[1]
    ids = {}
    for user in users:
        email = user.partner.email if user.partner else f"{user.username}@{domain}"
        created = create_user(session, None, username=user.username, full_name=user.full_name, password=PASSWORD,
                              roles=[user.role], partner_id=user.partner.id if user.partner else None, email=email)
        ids[user.username] = created.id
    return ids
