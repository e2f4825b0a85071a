"""Demo customers: households with a codice fiscale, businesses with a partita IVA, and how they pay."""

import random
from dataclasses import dataclass

from app.demo import names
from app.demo import places
from app.demo.catalogue import RESIDENTIAL
from app.demo.identifiers import Identifiers
from app.demo.places import Town

CUSTOMER_COLUMNS = ("id", "external_id", "name", "fiscal_code", "segment", "territory", "city")
# How customers pay their bills: on time, late, or often not at all (shares of customers).
PAYERS = ("prompt", "late", "bad")
_PAYER_CUMULATIVE = (0.9, 0.97, 1.0)


@dataclass(slots=True)
class DemoCustomer:
    """A ``customer`` row and the customer's payment habit."""

    id: int
    external_id: str
    name: str
    fiscal_code: str
    segment: str
    territory: str
    town: Town
    payer: str


class CustomerBook:
    """Creates customers with consecutive ids."""

    def __init__(self, rng: random.Random, ids: Identifiers, first_id: int = 1) -> None:
        self.rng = rng
        self.ids = ids
        self.first_id = first_id
        self.customers: list[DemoCustomer] = []

    def new(self, segment: str, region: str) -> DemoCustomer:
        """Return a new customer of ``segment`` living in ``region``."""
        rng = self.rng
        town = places.town_in(rng, region)
        if segment == RESIDENTIAL:
            person = names.person(rng, 1940, 2004)
            name, fiscal_code = person.full_name, self.ids.fiscal_code(person)
        else:
            name, fiscal_code = names.business_customer_name(rng, town), self.ids.vat_number(town)
        number = self.first_id + len(self.customers)
        customer = DemoCustomer(number, f"CLI{number:08d}", name, fiscal_code, segment, region, town,
                                rng.choices(PAYERS, cum_weights=_PAYER_CUMULATIVE)[0])
        self.customers.append(customer)
        return customer

    def rows(self):
        """Yield the ``customer`` rows."""
        for c in self.customers:
            yield (c.id, c.external_id, c.name, c.fiscal_code, c.segment, c.territory, c.town.name)
