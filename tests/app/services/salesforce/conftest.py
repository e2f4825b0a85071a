"""Fixtures of the Salesforce connector tests: a fake org with partner Accounts, customer Accounts and
Contracts, served on a free local port, and the connection pointing at it (on top of the test network)."""

from datetime import UTC
from datetime import datetime

import pytest
from stdnum import luhn

from app.extensions import db
from app.services.salesforce import connection
from tests.app.services.salesforce.fake_salesforce import CLIENT_ID
from tests.app.services.salesforce.fake_salesforce import CLIENT_SECRET
from tests.app.services.salesforce.fake_salesforce import REFRESH_TOKEN
from tests.app.services.salesforce.fake_salesforce import FakeSalesforce
from tests.app.services.salesforce.fake_salesforce import FakeServer

CREATED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
FIRST_SYNC = datetime(2026, 11, 10, 6, 0, tzinfo=UTC)
CHANGED = datetime(2026, 11, 12, 15, 45, tzinfo=UTC)
SECOND_SYNC = datetime(2026, 11, 15, 6, 0, tzinfo=UTC)
ACCOUNT_FIELDS = {"Partner_Code__c", "Partner_Kind__c", "VAT_Number__c", "Fiscal_Code__c", "Email__c",
                  "Mandate_Start__c", "Mandate_End__c", "Parent_Since__c", "Segment__c"}
CONTRACT_FIELDS = {"Agent_Code__c", "Selling_Agent__c", "Product_Code__c", "Offer_Code__c", "Options__c",
                   "POD_PDR__c", "Supply_Status__c", "Status_Reason__c", "Termination_Date__c", "Yearly_Volume__c"}
# contract number -> (seller, status, customer account)
CONTRACTS = {
    "00000101": ("A1", "active", "001CU0000001"), "00000102": ("A1", "active", "001CU0000002"),
    "00000103": ("A3", "active", "001CU0000003"), "00000104": ("A1", "active", "001CU0000004"),
    "00000105": ("B1", "signed", "001CU0000005"), "00000106": ("A3", "switching", "001CU0000006"),
    "00000107": ("B1", "active", "001CU0000007"),
}


def vat_number(base: str) -> str:
    """Return a valid partita IVA made of the 10 digits ``base`` and their check digit."""
    return base + luhn.calc_check_digit(base)


def contract_id(number: str) -> str:
    return f"800FAKE{number[-4:]}"


def fill(org: FakeSalesforce) -> None:
    """Give the org its partner Accounts, customer Accounts and Contracts, all stamped ``CREATED``."""
    org.upsert("Account", "001PA0000AGA", CREATED, Name="Agenzia Alfa Srl", Type="Partner", Partner_Code__c="AGA",
               Partner_Kind__c="agency", BillingState="Lombardia", VAT_Number__c=vat_number("0123456001"),
               Mandate_Start__c="2025-01-01")
    org.upsert("Account", "001PA00000A3", CREATED, Name="Sara Gialli", Type="Partner", Partner_Code__c="A3",
               Partner_Kind__c="agent", BillingState="Lombardia", BillingCity="Bergamo", BillingPostalCode="24121",
               VAT_Number__c=vat_number("0765432001"), Phone="+39 035 123456", Mandate_Start__c="2026-01-01",
               ParentId="001PA0000AGA", Parent_Since__c="2026-01-01")
    for index, (number, (seller, status, customer)) in enumerate(CONTRACTS.items(), start=1):
        org.upsert("Account", customer, CREATED, Name=f"Cliente {index}", Type="Customer",
                   Segment__c="residential", BillingState="Lombardia", BillingCity="Milano")
        active = status == "active"
        org.upsert("Contract", contract_id(number), CREATED, ContractNumber=number, AccountId=customer,
                   Status="Activated" if active else "Draft", Agent_Code__c=seller, Selling_Agent__c=seller,
                   Product_Code__c="ELE", Offer_Code__c="ELE-FIX", POD_PDR__c=f"IT001E{70000000 + index:08d}",
                   Supply_Status__c=status, CustomerSignedDate="2026-01-15",
                   ActivatedDate="2026-02-01T08:00:00.000+0000" if active else None,
                   Yearly_Volume__c=2700.5)


@pytest.fixture
def org(app, network):
    """The fake org, served while the test runs (3 records a page, so queries span several pages)."""
    fake = FakeSalesforce(page_size=3, fields={"Account": ACCOUNT_FIELDS, "Contract": CONTRACT_FIELDS})
    fill(fake)
    with FakeServer(fake) as served:
        yield served


@pytest.fixture
def connected(org):
    """The connection to the fake org, client-credentials flow."""
    setup = connection.Setup("https://example.invalid", f"{org.url}/services/oauth2/token", CLIENT_ID)
    connection.save(db.session, None, setup, client_secret=CLIENT_SECRET)
    db.session.commit()
    return org


__all__ = ["REFRESH_TOKEN"]
