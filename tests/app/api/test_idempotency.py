"""Idempotency keys: the same key and body replays the stored response; another body with the key is refused."""

from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import IdempotencyKey
from app.models import ImportBatch
from tests.app.api.test_push import billing_line
from tests.app.api.test_push import contract


def _batches() -> int:
    return db.session.scalar(select(func.count()).select_from(ImportBatch))


def test_same_key_and_body_replays_the_stored_response(api):
    key = {"Idempotency-Key": "crm-7f3a-0001"}
    first = api.post("/contracts", [contract()], headers=key)
    assert first.status_code == 200 and "Idempotent-Replayed" not in first.headers
    replay = api.post("/contracts", [contract()], headers=key)
    assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json() == first.get_json() and replay.get_json()["new"] == 1
    assert _batches() == 1
    stored = db.session.scalar(select(IdempotencyKey))
    assert (stored.key, stored.method, stored.path, stored.response_status) == (
        "crm-7f3a-0001", "POST", "/api/v1/contracts", 200)
    # the same body with its keys in another order is the same request
    reordered = dict(reversed(list(contract().items())))
    assert api.post("/contracts", [reordered], headers=key).headers.get("Idempotent-Replayed") == "true"


def test_same_key_with_another_body_is_refused(api):
    key = {"Idempotency-Key": "crm-7f3a-0002"}
    assert api.post("/contracts", contract(), headers=key).status_code == 200
    other = api.post("/contracts", contract(status="validated"), headers=key)
    assert other.status_code == 422
    assert other.get_json() == {"errors": [{
        "index": None, "field": "Idempotency-Key", "code": "idempotency_key_reused",
        "message": "This Idempotency-Key was used with a different request: use a new key."}]}
    elsewhere = api.post("/billing-lines", billing_line("BL-API-1"), headers=key)
    assert elsewhere.status_code == 422 and elsewhere.get_json()["errors"][0]["code"] == "idempotency_key_reused"
    assert _batches() == 1


def test_a_refused_request_is_not_stored_under_its_key(api):
    key = {"Idempotency-Key": "crm-7f3a-0003"}
    assert api.post("/contracts", contract(partner_code="NOBODY"), headers=key).status_code == 422
    fixed = api.post("/contracts", contract(), headers=key)
    assert fixed.status_code == 200 and fixed.get_json()["new"] == 1


def test_keys_belong_to_their_token(api, api_as):
    key = {"Idempotency-Key": "shared-name"}
    assert api.post("/contracts", contract(), headers=key).status_code == 200
    other = api_as(["contracts:write"])
    response = other.post("/contracts", contract(status="validated"), headers=key)
    assert response.status_code == 200 and "Idempotent-Replayed" not in response.headers
    assert response.get_json()["changed"] == 1


def test_a_bad_key_is_400(api):
    response = api.post("/contracts", contract(), headers={"Idempotency-Key": "x" * 256})
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "Idempotency-Key"
    assert _batches() == 0
