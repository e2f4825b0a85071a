"""The imports pages: the list, the layout of each source with its templates, the mapping fragment, and who may
do what."""

import io

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.models import User
from app.services.imports import layouts
from app.services.imports import mappings

SOURCES = list(layouts.LAYOUTS)


def test_the_list_links_every_source(client, auth, network):
    auth.login("backoffice")
    body = client.get("/imports/").get_data(as_text=True)
    for source in SOURCES:
        assert f"/imports/{source}/upload" in body and f"/imports/{source}/layout" in body
    assert "/imports/" in client.get("/").get_data(as_text=True)  # in the navigation


def test_finance_sees_batches_but_cannot_upload(client, auth, network):
    auth.login("finance")
    body = client.get("/imports/").get_data(as_text=True)
    assert "/imports/billing_lines/layout" in body and "/upload" not in body
    assert client.get("/imports/billing_lines/upload").status_code == 403


@pytest.mark.parametrize("source", SOURCES)
def test_the_layout_page_documents_every_column(client, auth, network, source):
    auth.login("auditor")
    body = client.get(f"/imports/{source}/layout").get_data(as_text=True)
    for name in layouts.get(source).names:
        assert f'id="field-{name}"' in body
    assert f"/imports/{source}/template.csv" in body and f"/imports/{source}/template.xlsx" in body


@pytest.mark.parametrize("source", SOURCES)
def test_templates_download_as_csv_and_xlsx(client, auth, network, source):
    auth.login("backoffice")
    csv = client.get(f"/imports/{source}/template.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert csv.get_data(as_text=True).lstrip("\ufeff").splitlines()[0] == ";".join(layouts.get(source).names)
    xlsx = client.get(f"/imports/{source}/template.xlsx")
    workbook = load_workbook(io.BytesIO(xlsx.get_data()), read_only=True)
    header = next(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(header) == layouts.get(source).names
    assert workbook.sheetnames[1] == "layout"


def test_unknown_sources_and_formats_are_404(client, auth, network):
    auth.login("backoffice")
    assert client.get("/imports/nothing/upload").status_code == 404
    assert client.get("/imports/billing_lines/template.pdf").status_code == 404
    assert client.get("/imports/batches/999999").status_code == 404


def test_the_upload_page_proposes_the_last_mapping_and_swaps_a_saved_one(client, auth, network):
    layout = layouts.BILLING_LINES
    user = db.session.get(User, network.users["backoffice"])
    sap = mappings.remember(db.session, user, layout, "SAP", {"billing_line_id": "Codice riga"})
    mappings.remember(db.session, user, layout, "CRM", {"billing_line_id": "ID riga"})
    db.session.commit()
    sap_id = sap.id
    auth.login("backoffice")
    page = client.get("/imports/billing_lines/upload").get_data(as_text=True)
    assert 'value="ID riga"' in page and 'value="CRM"' in page
    fragment = client.get(f"/imports/billing_lines/upload?mapping={sap_id}", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<fieldset id="mapping">') and 'value="Codice riga"' in body
    assert 'value="SAP"' in body and "<html" not in body


def test_a_batch_written_by_a_connector_has_a_report_page(client, auth, network):
    from app.models import ImportBatch

    batch = ImportBatch(source="salesforce", file_name="salesforce-sync-7", sha256="0" * 64, status="imported")
    db.session.add(batch)
    db.session.commit()
    batch_id = batch.id
    auth.login("backoffice")
    page = client.get(f"/imports/batches/{batch_id}")
    assert page.status_code == 200 and "salesforce-sync-7" in page.get_data(as_text=True)
