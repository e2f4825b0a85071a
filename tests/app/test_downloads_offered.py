"""Files are offered only to those who may download them, and served with one clean Content-Type."""

import pytest

from app.extensions import db
from app.models import InvoiceBatch
from app.models import User
from app.services import accounting_export
from tests.app.trail.batches import issued_batch

BATCH_READERS = ["admin", "backoffice", "lead", "finance", "auditor"]


@pytest.fixture
def exported(network) -> InvoiceBatch:
    batch = issued_batch(db.session)
    accounting_export.export_batch(db.session, db.session.get(User, network.users["finance"]), batch)
    db.session.commit()
    return batch


def _export_paragraph(page: str) -> str:
    start = page.index('<p id="batch-export">')
    return page[start:page.index("</p>", start)]


@pytest.mark.parametrize(("username", "offered"), [
    ("finance", True), ("admin", True), ("auditor", True), ("backoffice", False), ("lead", False)])
def test_the_batch_page_offers_the_export_only_to_who_may_download_it(client, auth, exported, username, offered):
    batch_id, digest = exported.id, exported.export_sha256
    auth.login(username)
    page = client.get(f"/batches/{batch_id}")
    assert page.status_code == 200
    paragraph = _export_paragraph(page.get_data(as_text=True))
    link = f'href="/exports/batches/{batch_id}.csv"'
    assert paragraph.startswith('<p id="batch-export">Esportazione contabile:')
    assert f"SHA-256 {digest}" in paragraph
    assert (link in paragraph) is offered
    assert ("esportato il " in paragraph) is not offered
    assert client.get(f"/exports/batches/{batch_id}.csv").status_code == (200 if offered else 403)


@pytest.mark.parametrize("username", BATCH_READERS)
def test_a_batch_not_yet_exported_shows_no_export(client, auth, network, username):
    batch_id = issued_batch(db.session).id
    db.session.commit()
    auth.login(username)
    page = client.get(f"/batches/{batch_id}").get_data(as_text=True)
    assert 'id="batch-export"' not in page and f"/exports/batches/{batch_id}.csv" not in page


@pytest.mark.parametrize(("url", "content_type"), [
    ("/reports/enasarco.csv?year=2026&quarter=4", "text/csv; charset=utf-8"),
    ("/reports/firr.csv?year=2026", "text/csv; charset=utf-8"),
    ("/reports/withholding.csv?month=2026-03", "text/csv; charset=utf-8"),
    ("/reports/firr.xlsx?year=2026", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_report_files_name_their_charset_once(client, auth, network, url, content_type):
    auth.login("finance")
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert response.headers.getlist("Content-Type") == [content_type]
