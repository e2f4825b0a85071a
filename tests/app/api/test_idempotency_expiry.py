"""Idempotency keys expire: replayed within ``IDEMPOTENCY_KEY_HOURS``, a new request after it, and purged by
``flask api purge-idempotency-keys``."""

from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import IdempotencyKey
from app.models import ImportBatch
from tests.app.api.test_push import contract
from tests.app.inbox.conftest import traveller  # noqa: F401 - fixture


def _batches() -> int:
    return db.session.scalar(select(func.count()).select_from(ImportBatch))


def _keys() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(IdempotencyKey.key).order_by(IdempotencyKey.key)))


def test_a_key_is_replayed_until_its_hours_are_up_then_the_request_is_new(api, traveller):  # noqa: F811
    key = {"Idempotency-Key": "crm-exp-0001"}
    first = api.post("/contracts", [contract()], headers=key)
    assert first.status_code == 200 and first.get_json()["new"] == 1
    traveller.shift(timedelta(hours=23, minutes=59))
    replay = api.post("/contracts", [contract()], headers=key)
    assert replay.headers.get("Idempotent-Replayed") == "true" and replay.get_json() == first.get_json()
    assert _batches() == 1

    traveller.shift(timedelta(minutes=1, seconds=1))  # 24 hours and a second after the first request
    again = api.post("/contracts", [contract(status="validated")], headers=key)  # another body: no conflict
    assert again.status_code == 200 and "Idempotent-Replayed" not in again.headers
    assert (again.get_json()["new"], again.get_json()["changed"]) == (0, 1)
    assert _batches() == 2
    [row] = db.session.scalars(select(IdempotencyKey))
    assert row.key == "crm-exp-0001" and row.response_body == again.get_data(as_text=True)
    # the key now holds the new response, replayed from its own time
    traveller.shift(timedelta(hours=1))
    replay = api.post("/contracts", [contract(status="validated")], headers=key)
    assert replay.headers.get("Idempotent-Replayed") == "true" and replay.get_json() == again.get_json()
    assert _batches() == 2


def test_the_retention_comes_from_the_configuration(app, api, traveller):  # noqa: F811
    app.config["IDEMPOTENCY_KEY_HOURS"] = 1
    key = {"Idempotency-Key": "crm-exp-0002"}
    assert api.post("/contracts", [contract()], headers=key).status_code == 200
    traveller.shift(timedelta(minutes=59))
    assert api.post("/contracts", [contract()], headers=key).headers.get("Idempotent-Replayed") == "true"
    traveller.shift(timedelta(minutes=2))
    fresh = api.post("/contracts", [contract()], headers=key)
    assert fresh.status_code == 200 and "Idempotent-Replayed" not in fresh.headers
    assert fresh.get_json()["unchanged"] == 1 and _batches() == 2


def test_the_purge_deletes_only_the_expired_keys_and_says_how_many(api, runner, traveller):  # noqa: F811
    assert api.post("/contracts", [contract("C-API-1")], headers={"Idempotency-Key": "old-1"}).status_code == 200
    traveller.shift(timedelta(hours=1))
    assert api.post("/contracts", [contract("C-API-2")], headers={"Idempotency-Key": "old-2"}).status_code == 200
    traveller.shift(timedelta(hours=2))
    assert api.post("/contracts", [contract("C-API-3")], headers={"Idempotency-Key": "recent"}).status_code == 200
    traveller.shift(timedelta(hours=24))  # old-1 is 27 hours old, old-2 26, recent 24
    assert api.post("/contracts", [contract("C-API-4")], headers={"Idempotency-Key": "new"}).status_code == 200

    result = runner.invoke(args=["api", "purge-idempotency-keys"])
    assert result.exit_code == 0, result.output
    assert result.output == "2 expired idempotency keys deleted\n"
    assert _keys() == ["new", "recent"]

    assert runner.invoke(args=["api", "purge-idempotency-keys"]).output == "0 expired idempotency keys deleted\n"
    traveller.shift(timedelta(seconds=1))
    assert runner.invoke(args=["api", "purge-idempotency-keys"]).output == "1 expired idempotency keys deleted\n"
    assert _keys() == ["new"]
