"""The connector's pages over HTTP: connection settings, the mapping editor, "sync now" with its progress and the
sync log, and the scheduled sync's CLI."""

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry
from app.models import SalesforceConnection
from app.models import SalesforceSync
from app.services.salesforce import connection
from app.services.salesforce import jobs
from app.services.salesforce import mapping
from tests.app.services.salesforce.fake_salesforce import CLIENT_ID
from tests.app.services.salesforce.fake_salesforce import CLIENT_SECRET


def _connection_form(org_url: str, **changes) -> dict:
    return {"instance_url": "https://mandato-demo.my.salesforce.com", "token_url": f"{org_url}/services/oauth2/token",
            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "auth_flow": "client_credentials",
            "refresh_token": "", "api_version": "v60.0", "interval_minutes": "30", "scheduled": "y"} | changes


def test_the_connection_form_stores_the_secret_encrypted_and_never_shows_it(client, auth, org):
    auth.login("admin")
    refused = client.post("/salesforce/connection", data=_connection_form(org.url, client_secret="", csrf_token=auth.csrf()))
    assert refused.status_code == 422 and "Inserisci il consumer secret." in refused.get_data(as_text=True)
    saved = client.post("/salesforce/connection", data=_connection_form(org.url, csrf_token=auth.csrf()))
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/salesforce/")
    row = db.session.scalar(select(SalesforceConnection))
    assert (row.client_id, row.interval_minutes, row.scheduled) == (CLIENT_ID, 30, True)
    assert CLIENT_SECRET not in row.client_secret_encrypted
    assert connection.settings(db.session).client_secret == CLIENT_SECRET
    page = client.get("/salesforce/connection").get_data(as_text=True)
    assert CLIENT_SECRET not in page and CLIENT_ID in page
    # An empty secret keeps the stored one.
    kept = client.post("/salesforce/connection", data=_connection_form(org.url, client_secret="", interval_minutes="15",
                                                                       csrf_token=auth.csrf()))
    assert kept.status_code == 303
    db.session.expire_all()
    assert connection.settings(db.session).client_secret == CLIENT_SECRET
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "salesforce.connection_changed")).all()
    assert len(entries) == 2 and all(CLIENT_SECRET not in str(e.after) for e in entries)
    assert entries[0].after["secrets_changed"] == ["client_secret"] and entries[1].after["secrets_changed"] == []


def test_the_mapping_editor_moves_a_field(client, auth, org):
    auth.login("admin")
    page = client.get("/salesforce/mappings/contracts").get_data(as_text=True)
    assert 'value="Agent_Code__c"' in page
    fields = {f"field_{k}": v for k, v in mapping.DEFAULTS["contracts"][2].items()}
    bad = client.post("/salesforce/mappings/contracts", data={
        "csrf_token": auth.csrf(), "sobject": "Contract", "condition": "", **fields, "field_partner_code": "Agent Code"})
    assert bad.status_code == 422 and "is not a Salesforce field name" in bad.get_data(as_text=True)
    saved = client.post("/salesforce/mappings/contracts", data={
        "csrf_token": auth.csrf(), "sobject": "Contract", "condition": "Status = 'Activated'", **fields,
        "field_partner_code": "Selling_Agent__c", "field_options": ""})
    assert saved.status_code == 303
    current = mapping.current(db.session, "contracts")
    assert (current.fields["partner_code"], current.condition, "options" in current.fields) == (
        "Selling_Agent__c", "Status = 'Activated'", False)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "salesforce.mapping_changed")) is not None


def test_sync_now_runs_in_the_background_and_shows_its_log(app, client, auth, connected):
    auth.login("backoffice")
    started = client.post("/salesforce/syncs", data={"csrf_token": auth.csrf()})
    assert started.status_code == 303
    sync_id = int(started.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    jobs.wait(sync_id, timeout=60)
    sync = db.session.get(SalesforceSync, sync_id)
    db.session.refresh(sync)
    assert (sync.status, sync.trigger, sync.rows_new) == ("succeeded", "manual", 8)
    assert sync.user.username == "backoffice"
    detail = client.get(f"/salesforce/syncs/{sync_id}").get_data(as_text=True)
    assert 'id="sync-counts"' in detail and f"salesforce-sync-{sync_id}" in detail
    progress = client.get(f"/salesforce/syncs/{sync_id}/progress", headers={"HX-Request": "true"})
    assert progress.headers["HX-Trigger"] == "salesforce-sync-finished"
    fragment = client.get(f"/salesforce/syncs/{sync_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="sync-report"') and "<html" not in fragment
    index = client.get("/salesforce/").get_data(as_text=True)
    assert f'href="/salesforce/syncs/{sync_id}"' in index and "backoffice" in index


def test_a_failed_sync_lists_its_problems_on_the_page(app, client, auth, connected):
    app.config["SALESFORCE_INLINE"] = True
    connected.records["Account"]["001PA00000A3"]["VAT_Number__c"] = "01234567890"
    auth.login("lead")
    started = client.post("/salesforce/syncs", data={"csrf_token": auth.csrf()})
    assert started.status_code == 303
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert 'id="sync-errors"' in page
    assert "001PA00000A3" in page and "VAT_Number__c" in page and "01234567890" in page


def test_a_second_sync_is_refused_while_one_runs(client, auth, connected):
    from app.services.salesforce import sync as syncing

    syncing.begin(db.session, None)
    db.session.commit()
    auth.login("admin")
    refused = client.post("/salesforce/syncs", data={"csrf_token": auth.csrf()})
    assert refused.status_code == 303 and refused.headers["Location"].endswith("/salesforce/")
    assert db.session.scalar(select(SalesforceSync).where(SalesforceSync.status == "succeeded")) is None


def test_the_scheduled_sync_runs_when_due(runner, connected):
    assert "not due" in runner.invoke(args=["salesforce", "sync", "--if-due"]).output
    row = connection.stored(db.session)
    row.scheduled = True
    db.session.commit()
    result = runner.invoke(args=["salesforce", "sync", "--if-due"])
    assert result.exit_code == 0, result.output
    assert "8 new" in result.output
    sync = db.session.scalar(select(SalesforceSync))
    assert (sync.trigger, sync.user_id) == ("scheduled", None)
    assert "not due" in runner.invoke(args=["salesforce", "sync", "--if-due"]).output
