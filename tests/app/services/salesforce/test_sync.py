"""The sync against the fake org: first full sync, pages, incremental window, deletions, tokens, mapping, bad data."""

from datetime import date
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import AccruedBalance
from app.models import AuditEntry
from app.models import Contract
from app.models import Customer
from app.models import ImportBatch
from app.models import Partner
from app.models import PartnerLink
from app.services import accrual
from app.services.salesforce import mapping
from app.services.salesforce import sync as syncing
from tests.app.services.salesforce.conftest import CHANGED
from tests.app.services.salesforce.conftest import CONTRACTS
from tests.app.services.salesforce.conftest import FIRST_SYNC
from tests.app.services.salesforce.conftest import SECOND_SYNC
from tests.app.services.salesforce.conftest import contract_id
from tests.factories import publish_test_plans


def _versions() -> dict[str, list[Contract]]:
    found: dict[str, list[Contract]] = {}
    for contract in db.session.scalars(select(Contract).where(Contract.external_id.like("0000%"))
                                       .order_by(Contract.external_id, Contract.version)):
        found.setdefault(contract.external_id, []).append(contract)
    return found


def _current(number: str) -> Contract:
    return db.session.scalar(select(Contract).where(Contract.external_id == number, Contract.is_current))


def _succeeded(result):
    assert result.status == "succeeded", (result.message, result.errors)
    return result


def test_first_full_sync_writes_through_the_import_path(connected):
    result = _succeeded(syncing.sync_now(db.session, None, now=FIRST_SYNC))
    versions = _versions()
    assert sorted(versions) == sorted(CONTRACTS)
    assert all(len(rows) == 1 and rows[0].is_current for rows in versions.values())
    batch = db.session.get(ImportBatch, result.import_batch_id)
    assert (batch.source, batch.file_name, batch.status) == ("salesforce", f"salesforce-sync-{result.id}", "imported")
    assert {rows[0].import_batch_id for rows in versions.values()} == {batch.id}
    first = _current("00000101")
    assert (first.status.value, first.signed_on, first.activated_on, first.yearly_volume, first.supply_point) == (
        "active", date(2026, 1, 15), date(2026, 2, 1), Decimal("2700.500"), "IT001E70000001")
    assert first.partner_id == connected_partner("A1")
    customer = db.session.get(Customer, first.customer_id)
    assert (customer.external_id, customer.name, customer.territory, customer.city) == (
        "001CU0000001", "Cliente 1", "Lombardia", "Milano")
    # Partners: A3 is new, under AGA from its date; AGA's VAT number comes from Salesforce.
    a3 = db.session.scalar(select(Partner).where(Partner.code == "A3"))
    assert (a3.name, a3.kind.value, a3.city, a3.vat_number, a3.active_from) == (
        "Sara Gialli", "agent", "Bergamo", "07654320014", date(2026, 1, 1))
    link = db.session.scalar(select(PartnerLink).where(PartnerLink.partner_id == a3.id))
    assert (link.parent_id, link.valid_from) == (connected_partner("AGA"), date(2026, 1, 1))
    assert _current("00000103").partner_id == a3.id
    assert result.counts["partners"] == {"rows": 2, "new": 1, "changed": 1, "unchanged": 0, "skipped": 0,
                                         "pulled": 2, "deleted": 0}
    assert (result.records_pulled, result.rows_new, result.rows_changed, result.rows_unchanged) == (9, 8, 1, 0)
    # A first sync reads everything up to the moment it started: no lower bound.
    assert all("SystemModstamp <= 2026-11-10T06:00:00Z" in q and "SystemModstamp >" not in q for q in connected.queries)
    assert {o.target: o.watermark.replace(tzinfo=None) for o in map(lambda t: mapping.stored_object(db.session, t),
                                                                      mapping.TARGETS)} == {
        "partners": FIRST_SYNC.replace(tzinfo=None), "contracts": FIRST_SYNC.replace(tzinfo=None)}
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "salesforce.synced"))
    assert audit.entity_id == str(result.id)


def connected_partner(code: str) -> int:
    return db.session.scalar(select(Partner.id).where(Partner.code == code))


def test_pagination_follows_next_records_url(connected):
    connected.page_size = 2
    _succeeded(syncing.sync_now(db.session, None, now=FIRST_SYNC))
    contract_query = next(q for q in connected.queries if "FROM Contract" in q)
    assert contract_query
    # 7 contracts at 2 a page: the first answer and 3 more pages through nextRecordsUrl; 1 page of 2 accounts.
    assert connected.data_calls == 1 + 4
    assert len(_versions()) == 7


def test_incremental_sync_pulls_only_what_changed_after_the_watermark(connected):
    _succeeded(syncing.sync_now(db.session, None, now=FIRST_SYNC))
    connected.upsert("Contract", contract_id("00000102"), CHANGED, Yearly_Volume__c=3100.25)
    connected.upsert("Account", "001CU0000008", CHANGED, Name="Cliente 8", Type="Customer",
                     Segment__c="business", BillingState="Piemonte", BillingCity="Torino")
    connected.upsert("Contract", "800FAKE0108", CHANGED, ContractNumber="00000108", AccountId="001CU0000008",
                     Status="Draft", Agent_Code__c="A2", Product_Code__c="ELE", Offer_Code__c="ELE-FIX",
                     POD_PDR__c="IT001E70000008", Supply_Status__c="signed", CustomerSignedDate="2026-11-12",
                     Yearly_Volume__c=9000)
    connected.queries.clear()
    result = _succeeded(syncing.sync_now(db.session, None, now=SECOND_SYNC))
    assert all("SystemModstamp > 2026-11-10T05:58:00Z AND SystemModstamp <= 2026-11-15T06:00:00Z" in q
               for q in connected.queries)
    assert (result.records_pulled, result.rows_new, result.rows_changed, result.rows_unchanged) == (2, 1, 1, 0)
    versions = _versions()
    assert [(c.version, c.is_current, c.yearly_volume) for c in versions["00000102"]] == [
        (1, False, Decimal("2700.500")), (2, True, Decimal("3100.250"))]
    assert versions["00000102"][1].import_batch_id == result.import_batch_id
    assert [c.version for c in versions["00000101"]] == [1]
    assert _current("00000108").partner_id == connected_partner("A2")
    # Nothing changed since: a third sync pulls nothing and writes nothing.
    third = _succeeded(syncing.sync_now(db.session, None, now=SECOND_SYNC + timedelta(hours=1)))
    assert (third.records_pulled, third.rows_new, third.rows_changed) == (0, 0, 0)


def test_a_deleted_contract_is_ended_never_erased(connected):
    _succeeded(syncing.sync_now(db.session, None, now=FIRST_SYNC))
    connected.delete("Contract", contract_id("00000103"), CHANGED)  # active: terminated
    connected.delete("Contract", contract_id("00000105"), CHANGED)  # only signed: cancelled
    connected.delete("Account", "001PA00000A3", CHANGED)  # the partner's mandate ends
    result = _succeeded(syncing.sync_now(db.session, None, now=SECOND_SYNC))
    versions = _versions()
    terminated = versions["00000103"]
    assert [(c.version, c.is_current, c.status.value) for c in terminated] == [
        (1, False, "active"), (2, True, "terminated")]
    assert (terminated[1].terminated_on, terminated[1].status_reason, terminated[1].activated_on) == (
        date(2026, 11, 12), "deleted in Salesforce", date(2026, 2, 1))
    assert terminated[1].import_batch_id == result.import_batch_id
    assert [(c.version, c.status.value) for c in versions["00000105"]] == [(1, "signed"), (2, "cancelled")]
    a3 = db.session.scalar(select(Partner).where(Partner.code == "A3"))
    assert a3.active_to == date(2026, 11, 12)
    assert (result.records_deleted, result.counts["contract_endings"]["changed"]) == (3, 2)
    # Seen again (an overlapping window, a re-run): nothing changes twice.
    connected.upsert("Contract", contract_id("00000101"), SECOND_SYNC + timedelta(minutes=5), Options__c=None)
    again = _succeeded(syncing.sync_now(db.session, None, now=SECOND_SYNC + timedelta(hours=1)))
    assert again.rows_changed == 0
    assert len(_versions()["00000103"]) == 2


def test_an_expired_token_mid_sync_is_refreshed_and_the_sync_goes_on(connected):
    connected.expire_next_token_after(2)  # the accounts query and the first contract page, then 401
    result = _succeeded(syncing.sync_now(db.session, None, now=FIRST_SYNC))
    assert result.token_refreshes == 1
    assert [r["grant_type"] for r in connected.token_requests] == ["client_credentials", "client_credentials"]
    assert len(_versions()) == 7


def test_a_second_401_fails_the_sync_and_writes_nothing(connected):
    connected.reject_every_token = True
    result = syncing.sync_now(db.session, None, now=FIRST_SYNC)
    assert result.status == "failed"
    assert "INVALID_SESSION_ID" in result.message and "refreshed token" in result.message
    assert len(connected.token_requests) == 2
    assert _versions() == {}
    assert mapping.stored_object(db.session, "contracts").watermark is None
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_the_refresh_token_flow_signs_in_with_the_refresh_token(connected):
    from app.services.salesforce import connection
    from tests.app.services.salesforce.conftest import REFRESH_TOKEN

    row = connection.stored(db.session)
    setup = connection.Setup(row.instance_url, row.token_url, row.client_id, auth_flow="refresh_token")
    connection.save(db.session, None, setup, refresh_token=REFRESH_TOKEN)
    db.session.commit()
    _succeeded(syncing.sync_now(db.session, None, now=FIRST_SYNC))
    assert connected.token_requests[0]["grant_type"] == "refresh_token"


def test_a_mapping_change_takes_effect_on_the_next_sync(connected):
    _succeeded(syncing.sync_now(db.session, None, now=FIRST_SYNC))
    # The agent code moves to another field, where contract 00000104 names B1 instead of A1.
    connected.records["Contract"][contract_id("00000104")]["Selling_Agent__c"] = "B1"
    current = mapping.current(db.session, "contracts")
    mapping.save(db.session, None, "contracts", current.sobject, current.condition,
                 {**current.fields, "partner_code": "Selling_Agent__c"})
    db.session.commit()
    assert mapping.stored_object(db.session, "contracts").watermark is None
    connected.queries.clear()
    result = _succeeded(syncing.sync_now(db.session, None, now=SECOND_SYNC))
    contract_query = next(q for q in connected.queries if "FROM Contract" in q)
    assert "Selling_Agent__c" in contract_query and "Agent_Code__c" not in contract_query
    assert "SystemModstamp >" not in contract_query  # read whole again under the new mapping
    assert result.counts["contracts"] | {} == {"rows": 7, "new": 0, "changed": 1, "unchanged": 6, "skipped": 0,
                                               "pulled": 7, "deleted": 0}
    assert [c.partner_id for c in _versions()["00000104"]] == [connected_partner("A1"), connected_partner("B1")]


def test_a_bad_record_fails_the_sync_and_writes_nothing(connected):
    connected.upsert("Account", "001PA00000A4", CHANGED - timedelta(days=5), Name="Franco Blu", Type="Partner",
                     Partner_Code__c="A4", Partner_Kind__c="agent", BillingState="Veneto",
                     VAT_Number__c="01234567890", Mandate_Start__c="2026-03-01")
    result = syncing.sync_now(db.session, None, now=FIRST_SYNC)
    assert result.status == "failed"
    assert result.errors == [{
        "object": "Account", "record_id": "001PA00000A4", "field": "VAT_Number__c", "mandato_field": "vat_number",
        "value": "01234567890", "code": "bad_vat", "params": None, "message": "Not a valid VAT number (check digit).",
        "severity": "error"}]
    assert result.error_count == 1 and "nothing was written" in result.message
    assert _versions() == {}
    assert db.session.scalar(select(Partner).where(Partner.code.in_(["A3", "A4"]))) is None
    assert mapping.stored_object(db.session, "partners").watermark is None
    # Corrected in Salesforce: the next sync writes everything.
    connected.upsert("Account", "001PA00000A4", CHANGED, VAT_Number__c="03456780018")
    fixed = _succeeded(syncing.sync_now(db.session, None, now=SECOND_SYNC))
    assert fixed.rows_new == 2 + 7 and len(_versions()) == 7


def test_a_sync_that_changed_contracts_updates_the_accruals(connected):
    publish_test_plans(db.session)
    february = date(2026, 2, 1)
    accrual.rebuild(db.session, february)
    db.session.commit()
    _succeeded(syncing.sync_now(db.session, None, now=FIRST_SYNC))

    def activation(code: str) -> Decimal:
        return db.session.scalar(select(AccruedBalance.amount).where(
            AccruedBalance.period == february, AccruedBalance.partner_id == connected_partner(code),
            AccruedBalance.component_id == "activation"))

    # A1: C-A1 of the test network and 00000101, 00000102, 00000104, all activated in February: 4 x 50.00.
    assert activation("A1") == Decimal("200.00")
    assert activation("A3") == Decimal("50.00")
    incremental = {(b.partner_id, b.component_id): b.amount for b in db.session.scalars(
        select(AccruedBalance).where(AccruedBalance.period == february))}
    accrual.rebuild(db.session, february)
    db.session.commit()
    full = {(b.partner_id, b.component_id): b.amount for b in db.session.scalars(
        select(AccruedBalance).where(AccruedBalance.period == february))}
    assert incremental == full


def test_one_sync_at_a_time(connected):
    syncing.begin(db.session, None)
    db.session.commit()
    try:
        syncing.begin(db.session, None)
    except syncing.SyncRefused as refused:
        assert "already running" in str(refused)
    else:
        raise AssertionError("a second sync started")
