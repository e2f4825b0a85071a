"""The demo's sales and service network: who the partners are and who reports to whom, on which dates.

The sales tree has four levels: agency → agent → sub-agent → sub-sub-agent (the last two are both
``sub_agent`` partners). Call centres, installers and technicians work directly for the principal. During the
year some partners join, a few leave, and a handful move: an agent to another agency, a sub-agent to another
agent — the old link closes on the day the new one opens, so the hierarchy "as of a date" differs across
the year.
"""

import random
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta

from app.demo import names
from app.demo import places
from app.demo.identifiers import Identifiers
from app.demo.names import Person
from app.demo.periods import Window
from app.demo.places import Town

AGENCY = "agency"
AGENT = "agent"
SUB_AGENT = "sub_agent"
CALL_CENTRE = "call_centre"
INSTALLER = "installer"
TECHNICIAN = "technician"
SELLING_KINDS = (AGENCY, AGENT, SUB_AGENT, CALL_CENTRE)
_CODE_PREFIX = {AGENCY: "AGZ", AGENT: "AGE", SUB_AGENT: "SUB", CALL_CENTRE: "TLS", INSTALLER: "INS", TECHNICIAN: "TEC"}
# Relative selling capacity by level in the tree (1 = agency's own direct sales); call centres sell a lot.
_LEVEL_WEIGHT = {1: 0.5, 2: 1.0, 3: 0.75, 4: 0.55}
_CALL_CENTRE_WEIGHT = 12.0


@dataclass(slots=True)
class DemoPartner:
    """A partner being built: the ``partner`` row's columns plus what the generator needs to know."""

    id: int
    code: str
    kind: str
    level: int
    name: str
    town: Town
    territory: str
    legal_form: str
    person: Person | None
    active_from: date
    active_to: date | None = None
    weight: float = 1.0
    vat_number: str = ""
    fiscal_code: str = ""
    address: str = ""
    iban: str = ""
    email: str = ""
    phone: str = ""

    def active_on(self, day: date) -> bool:
        """Return True when the partner works for the principal on ``day``."""
        return self.active_from <= day and (self.active_to is None or day < self.active_to)


@dataclass(slots=True)
class Link:
    """A ``partner_link`` row: the parent from ``valid_from`` (inclusive) to ``valid_to`` (exclusive)."""

    id: int
    partner_id: int
    parent_id: int
    valid_from: date
    valid_to: date | None = None


@dataclass
class Network:
    """Every partner and link of the demo, with date-aware lookups."""

    partners: list[DemoPartner]
    links: list[Link]
    moves: int = 0
    _links_of: dict[int, list[Link]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for link in self.links:
            self._links_of.setdefault(link.partner_id, []).append(link)

    def of_kind(self, *kinds: str) -> list[DemoPartner]:
        """Return the partners of the given kinds, in id order."""
        return [p for p in self.partners if p.kind in kinds]

    def at_level(self, level: int) -> list[DemoPartner]:
        """Return the partners at ``level`` of the sales tree (1 = agency)."""
        return [p for p in self.partners if p.level == level]

    def parent_on(self, partner_id: int, day: date) -> int | None:
        """Return the parent of ``partner_id`` on ``day``, or None at the top."""
        for link in self._links_of.get(partner_id, ()):
            if link.valid_from <= day and (link.valid_to is None or day < link.valid_to):
                return link.parent_id
        return None

    def upline_on(self, partner_id: int, day: date) -> list[int]:
        """Return the ids above ``partner_id`` on ``day``, nearest first."""
        chain = []
        current = self.parent_on(partner_id, day)
        while current is not None:
            chain.append(current)
            current = self.parent_on(current, day)
        return chain


def _sizes(scale: float) -> dict[int | str, int]:
    """Return how many partners of each level and kind: about 350 at scale 1, a full chain at any scale."""
    sellers = max(6, round(300 * scale))
    agents = max(2, round(sellers * 0.3))
    sub_subs = max(1, round(sellers * 0.2))
    return {
        1: max(2, round(10 * scale)),
        2: agents,
        3: max(2, sellers - agents - sub_subs),
        4: sub_subs,
        CALL_CENTRE: max(1, round(2 * scale)),
        INSTALLER: max(1, round(25 * scale)),
        TECHNICIAN: max(1, round(15 * scale)),
    }


class _Builder:
    """Creates partners one by one with ids, codes and registry data."""

    def __init__(self, rng: random.Random, ids: Identifiers) -> None:
        self.rng = rng
        self.ids = ids
        self.partners: list[DemoPartner] = []
        self.counters: dict[str, int] = {}
        self.emails: set[str] = set()

    def add(self, kind: str, level: int, region: str, legal_form: str, active_from: date) -> DemoPartner:
        rng = self.rng
        town = places.town_in(rng, region)
        number = self.counters[kind] = self.counters.get(kind, 0) + 1
        person = names.person(rng) if legal_form == "individual" else None
        partner = DemoPartner(
            id=len(self.partners) + 1, code=f"{_CODE_PREFIX[kind]}-{number:04d}", kind=kind, level=level,
            name=person.full_name if person else self._company_name(kind, town, legal_form),
            town=town, territory=region, legal_form=legal_form, person=person, active_from=active_from,
        )
        partner.vat_number = self.ids.vat_number(town)
        partner.fiscal_code = self.ids.fiscal_code(person) if person else partner.vat_number
        partner.address = places.street_address(rng)
        partner.iban = self.ids.iban()
        partner.phone = places.mobile(rng) if person else places.landline(rng, town)
        partner.email = self._email(partner)
        self.partners.append(partner)
        return partner

    def _company_name(self, kind: str, town: Town, legal_form: str) -> str:
        if kind == CALL_CENTRE:
            return names.call_centre_name(self.rng, town)
        if kind == INSTALLER:
            return names.installer_name(self.rng, company=legal_form == "company")
        if legal_form == "partnership":
            return names.partnership_name(self.rng)
        return names.agency_name(self.rng, town)

    def _email(self, partner: DemoPartner) -> str:
        if partner.person:
            local = f"{names.slug(partner.person.first_name)}.{names.slug(partner.person.last_name)}"
            address = f"{local}@{self.rng.choice(('posta', 'mail', 'email'))}.example"
        else:
            address = f"amministrazione@{names.slug(partner.name)}.example"
        if address in self.emails:
            user, domain = address.split("@")
            address = f"{user}.{partner.id}@{domain}"
        self.emails.add(address)
        return address


def _years_before(rng: random.Random, day: date, low: int, high: int) -> date:
    return day - timedelta(days=rng.randint(low * 365, high * 365))


def _seller_form(rng: random.Random, level: int) -> str:
    roll = rng.random()
    if level == 2:
        return "individual" if roll < 0.78 else "partnership" if roll < 0.9 else "company"
    return "individual" if roll < 0.93 else "partnership"


def _pick_parent(rng: random.Random, parents: list[DemoPartner], index: int) -> DemoPartner:
    # The first partner of each level hangs under the first of the level above: a full chain at any scale.
    return parents[0] if index == 0 else rng.choices(parents, [p.weight for p in parents])[0]


def _build_tree(builder: _Builder, sizes: dict, window: Window, links: list[Link]) -> None:
    rng = builder.rng
    regions = list(places.REGIONS)
    for index in range(sizes[1]):
        agency = builder.add(AGENCY, 1, regions[index % len(regions)], "company",
                             _years_before(rng, window.start, 4, 15))
        agency.weight = _LEVEL_WEIGHT[1] * rng.lognormvariate(0, 0.5)
    for level in (2, 3, 4):
        parents = _built_at_level(builder, level - 1)
        for index in range(sizes[level]):
            parent = _pick_parent(rng, parents, index)
            region = parent.territory if rng.random() < 0.85 else places.any_region(rng)
            span = max((window.start - parent.active_from).days - 1, 1)
            partner = builder.add(AGENT if level == 2 else SUB_AGENT, level, region, _seller_form(rng, level),
                                  parent.active_from + timedelta(days=rng.randint(1, span)))
            partner.weight = _LEVEL_WEIGHT[level] * rng.lognormvariate(0, 0.6)
            links.append(Link(len(links) + 1, partner.id, parent.id, partner.active_from))


def _built_at_level(builder: _Builder, level: int) -> list[DemoPartner]:
    """Return the partners built so far at ``level`` of the sales tree."""
    return [p for p in builder.partners if p.level == level]


def _add_outside_tree(builder: _Builder, sizes: dict, window: Window) -> None:
    rng = builder.rng
    for index in range(sizes[CALL_CENTRE]):
        region = ("Campania", "Puglia", "Sicilia", "Lazio", "Calabria")[index % 5]
        centre = builder.add(CALL_CENTRE, 0, region, "company", _years_before(rng, window.start, 2, 8))
        centre.weight = _CALL_CENTRE_WEIGHT * rng.lognormvariate(0, 0.3)
    for _ in range(sizes[INSTALLER]):
        form = "company" if rng.random() < 0.7 else "partnership"
        installer = builder.add(INSTALLER, 0, places.any_region(rng), form, _years_before(rng, window.start, 1, 10))
        installer.weight = rng.lognormvariate(0, 0.5)
    for _ in range(sizes[TECHNICIAN]):
        technician = builder.add(TECHNICIAN, 0, places.any_region(rng), "individual",
                                 _years_before(rng, window.start, 1, 10))
        technician.weight = rng.lognormvariate(0, 0.4)


def _leaves(partners: list[DemoPartner], links: list[Link]) -> list[DemoPartner]:
    with_children = {link.parent_id for link in links}
    firsts = {min((p.id for p in partners if p.level == level), default=0) for level in (2, 3, 4)}
    return [p for p in partners if p.level >= 2 and p.id not in with_children and p.id not in firsts]


def _joiners_and_leavers(rng: random.Random, partners: list[DemoPartner], links: list[Link], window: Window) -> None:
    """Let some partners without a downline join during the year, and a few leave."""
    link_of = {link.partner_id: link for link in links}
    for partner in _leaves(partners, links):
        roll = rng.random()
        if roll < 0.08:
            partner.active_from = window.day_between(rng, window.start + timedelta(days=15),
                                                     window.today - timedelta(days=45))
            link_of[partner.id].valid_from = partner.active_from
        elif roll < 0.11:
            leaving = window.month_start_between(rng, window.start, window.today)
            if leaving is not None:
                partner.active_to = leaving
                link_of[partner.id].valid_to = leaving


def _movable(partners: list[DemoPartner], level: int, window: Window) -> list[DemoPartner]:
    first = min(p.id for p in partners if p.level == level)
    return [p for p in partners
            if p.level == level and p.id != first and p.active_to is None and p.active_from < window.start]


def _move(rng: random.Random, partners: list[DemoPartner], links: list[Link], level: int, count: int,
          window: Window) -> int:
    """Move ``count`` partners of ``level`` to another parent on the first day of a month this year."""
    candidates = _movable(partners, level, window)
    parents = [p for p in partners if p.level == level - 1 and p.active_to is None]
    moved = 0
    for partner in rng.sample(candidates, min(count, len(candidates))):
        day = window.month_start_between(rng, window.start, window.today)
        current = next(link for link in links if link.partner_id == partner.id and link.valid_to is None)
        others = [p for p in parents if p.id != current.parent_id and p.active_from < (day or window.today)]
        if day is None or not others:
            continue
        current.valid_to = day
        links.append(Link(len(links) + 1, partner.id, rng.choice(others).id, day))
        moved += 1
    return moved


def build_network(rng: random.Random, ids: Identifiers, scale: float, window: Window) -> Network:
    """Return the demo network for ``scale`` (1 is about 350 partners)."""
    sizes = _sizes(scale)
    builder = _Builder(rng, ids)
    links: list[Link] = []
    _build_tree(builder, sizes, window, links)
    _add_outside_tree(builder, sizes, window)
    partners = builder.partners
    _joiners_and_leavers(rng, partners, links, window)
    moved = _move(rng, partners, links, 2, max(1, round(sizes[2] * 0.05)), window)
    moved += _move(rng, partners, links, 3, max(1, round(sizes[3] * 0.02)), window)
    links.sort(key=lambda link: link.id)
    return Network(partners, links, moves=moved)


def partner_rows(network: Network):
    """Yield the ``partner`` rows."""
    for p in network.partners:
        yield (p.id, p.code, p.name, p.kind, p.territory, p.vat_number, p.fiscal_code, p.address, p.town.name,
               p.town.province, p.town.postcode, p.iban, p.email, p.phone, p.active_from, p.active_to)


PARTNER_COLUMNS = ("id", "code", "name", "kind", "territory", "vat_number", "fiscal_code", "address", "city",
                   "province", "postcode", "iban", "email", "phone", "active_from", "active_to")
LINK_COLUMNS = ("id", "partner_id", "parent_id", "valid_from", "valid_to")


def link_rows(network: Network):
    """Yield the ``partner_link`` rows."""
    for link in network.links:
        yield (link.id, link.partner_id, link.parent_id, link.valid_from, link.valid_to)
