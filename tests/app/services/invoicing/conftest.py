"""Fixtures of the invoicing tests: February 2026 published and an approved batch of its invoices."""

import pytest

from app.extensions import db
from app.models import Partner
from tests.app.services.invoicing.batches import approved_batch
from tests.app.services.invoicing.batches import publish_february


@pytest.fixture
def statements(network):
    for code, email in (("A1", "mario.rossi@example.it"), ("B1", "paolo.neri@example.it"),
                        ("A1A", "luca.bianchi@example.it"), ("AGA", "amministrazione@alfa.example.it"),
                        ("AGB", "info@beta.example.it")):
        partner = db.session.get(Partner, network.partners[code])
        partner.email = email
        partner.address, partner.postcode, partner.city, partner.province = "Via Roma 1", "20100", "Milano", "MI"
        partner.iban = "IT40S0542811101000000" + f"{partner.id:06d}"
    db.session.get(Partner, network.partners["A1"]).vat_number = "12345678903"
    db.session.commit()
    return publish_february(network)


@pytest.fixture
def batch(statements):
    return approved_batch(statements)
