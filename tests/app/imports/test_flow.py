"""The upload → report → import flow through real HTTP requests with CSRF, the 422 of a rejected file and the
progress fragment of a run in the background."""

import threading

from sqlalchemy import select

from app.extensions import db
from app.models import BillingLine
from app.models import ImportBatch
from app.models import ImportMapping
from app.services.imports import runner
from tests.app.services.imports.conftest import count

HEADER = "billing_line_id;contract_id;period_start;period_end;volume;amount_billed;fixed_fee_billed;paid;paid_on\n"
GOOD = (HEADER + "BL-H1;C-A1;2026-03-01;2026-03-31;228,400;59,80;12,00;sì;2026-04-20\n"
                 "BL-H2;C-B1;2026-03-01;2026-03-31;231.5;61.35;12;no;\n").encode()
BAD = (HEADER + "BL-H1;C-NOPE;2026-03-01;2026-03-31;228,400;59,80;12,00;sì;2026-04-20\n"
                "BL-H2;C-B1;2026-03-01;2026-03-31;abc;61.35;12;no;\n").encode()


def _batch_id(response) -> int:
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_upload_report_import_with_progress(client, auth, uploads):
    auth.login("backoffice")
    page = client.get("/imports/billing_lines/upload")
    assert page.status_code == 200 and 'name="column_billing_line_id"' in page.get_data(as_text=True)

    response = uploads.post("billing_lines", "marzo.csv", GOOD, mapping_name="standard")
    assert response.status_code == 303
    batch_id = _batch_id(response)
    report = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "batch-validated" in report and 'data-testid="rows-new">2<' in report
    assert count(BillingLine, BillingLine.external_id.like("BL-H%")) == 0

    started = client.post(f"/imports/batches/{batch_id}/import", data={"csrf_token": auth.csrf()})
    assert started.status_code == 303 and started.headers["Location"].endswith(f"/imports/batches/{batch_id}")
    last = uploads.wait_until_finished(batch_id)
    assert 'hx-trigger="every 1s"' not in last.get_data(as_text=True)
    assert "HX-Request" in last.headers["Vary"]

    done = client.get(f"/imports/batches/{batch_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert done.lstrip().startswith('<section id="import-report"') and "batch-imported" in done
    assert count(BillingLine, BillingLine.import_batch_id == batch_id) == 2
    assert db.session.scalar(select(ImportMapping.name).where(ImportMapping.source == "billing_lines")) == "standard"


def test_a_rejected_file_answers_422_with_its_report(client, auth, uploads):
    auth.login("backoffice")
    response = uploads.post("billing_lines", "marzo.csv", BAD)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "batch-rejected" in body and "C-NOPE" in body and "abc" in body
    batch = db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()))
    assert (batch.status, batch.error_count) == ("rejected", 2)
    assert count(BillingLine, BillingLine.external_id.like("BL-H%")) == 0

    csv = client.get(f"/imports/batches/{batch.id}/problems.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0] == "\ufefffile;row;column;value;message;severity"
    assert lines[1].startswith("marzo.csv;2;contract_id;C-NOPE;") and lines[2].startswith("marzo.csv;3;volume;abc;")

    refused = client.post(f"/imports/batches/{batch.id}/import", data={"csrf_token": auth.csrf()})
    assert refused.status_code == 303
    db.session.expire_all()
    assert db.session.get(ImportBatch, batch.id).status == "rejected"


def test_a_form_without_a_file_is_a_422_and_without_csrf_a_400(client, auth, uploads, network):
    auth.login("backoffice")
    response = client.post("/imports/billing_lines/upload", data={"csrf_token": auth.csrf()},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and 'aria-invalid="true"' in response.get_data(as_text=True)
    wrong = uploads.post("billing_lines", "marzo.pdf", GOOD)
    assert wrong.status_code == 422
    no_token = client.post("/imports/billing_lines/upload", data={}, content_type="multipart/form-data")
    assert no_token.status_code == 400
    assert db.session.scalar(select(ImportBatch.id)) is None


def test_big_files_are_validated_in_the_background_with_a_progress_fragment(app, client, auth, uploads,
                                                                           monkeypatch):
    app.config["IMPORT_INLINE_BYTES"] = 0
    release = threading.Event()
    validate = runner.validate

    def held(session, batch, progress):
        release.wait(30)
        return validate(session, batch, progress)

    monkeypatch.setattr(runner, "validate", held)
    auth.login("lead")
    response = uploads.post("billing_lines", "grande.csv", GOOD)
    assert response.status_code == 303
    batch_id = _batch_id(response)

    page = client.get(f"/imports/batches/{batch_id}").get_data(as_text=True)
    assert "batch-validating" in page and 'id="import-progress"' in page
    fragment = client.get(f"/imports/batches/{batch_id}/progress", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="import-progress"') and 'hx-trigger="every 1s"' in body
    assert "<progress" in body and "HX-Trigger" not in fragment.headers

    release.set()
    uploads.wait_until_finished(batch_id)
    db.session.expire_all()
    assert db.session.get(ImportBatch, batch_id).status == "validated"


def test_the_same_file_twice_through_the_pages(client, auth, uploads):
    auth.login("admin")
    for _ in range(2):
        batch_id = _batch_id(uploads.post("billing_lines", "marzo.csv", GOOD))
        client.post(f"/imports/batches/{batch_id}/import", data={"csrf_token": auth.csrf()})
        uploads.wait_until_finished(batch_id)
    page = client.get(f"/imports/batches/{batch_id}").get_data(as_text=True)
    assert 'data-testid="rows-unchanged">2<' in page and 'data-testid="rows-new">0<' in page
    assert f"/imports/batches/{batch_id - 1}" in page  # the earlier import of the same file is named
    assert count(BillingLine, BillingLine.external_id.like("BL-H%")) == 2
