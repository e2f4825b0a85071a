"""The one flow of every push (POST of contracts, status events, billing lines), with its idempotency key.

read the JSON body (400 when malformed) → replay a stored response for a known ``Idempotency-Key`` (422 when the
key came with another request) → check the items' shape with the item schema (422) → validate and write them
through ``app.services.api_push`` like an imported file (422, nothing written, when any item is wrong) → keep
the response under the key in the same transaction → commit.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal

from flask import make_response
from flask import request
from flask_babel import gettext as _
from marshmallow import Schema
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from app.api import schemas
from app.api.auth import current_token
from app.api.errors import Refused
from app.api.errors import error
from app.api.errors import errors
from app.api.errors import problem
from app.api.spec import IDEMPOTENCY_KEY
from app.api.spec import MAX_ITEMS
from app.extensions import db
from app.services import api_push
from app.services import idempotency

MAX_BODY = 32 * 1024 * 1024  # 10,000 billing lines take about 3 MB
# marshmallow's messages, told apart by a stable code
SHAPE_CODES = {"Missing data for required field.": "required", "Field may not be null.": "null",
               "Unknown field.": "unknown_field", "Invalid input type.": "not_an_object"}


@dataclass(frozen=True)
class ApiActor:
    """Who the audit log and the import batch name for a call: the token (on behalf of its creator)."""

    id: int | None
    username: str


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number")


def _body():
    """Return (payload, raw bytes, canonical JSON text) of the request's JSON body."""
    request.max_content_length = MAX_BODY
    raw = request.get_data(cache=False)
    try:
        payload = json.loads(raw.decode("utf-8"), parse_float=Decimal, parse_constant=_reject_constant)
        text = idempotency.canonical(payload)
        text.encode("utf-8")  # a lone surrogate (\ud800) cannot be stored
    except (ValueError, UnicodeError, RecursionError) as exc:
        message = _("The body is not valid JSON: %(detail)s", detail=str(exc)[:200])
        raise Refused(error(400, "malformed_json", message)) from exc
    return payload, raw, text


def _key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not re.match(IDEMPOTENCY_KEY, key):
        raise Refused(error(400, "bad_idempotency_key",
                            _("Idempotency-Key must be 1 to 255 visible ASCII characters."), field="Idempotency-Key"))
    return key


def _items(payload) -> list:
    if isinstance(payload, dict):
        return [payload]
    if not isinstance(payload, list):
        raise Refused(error(422, "not_an_object", _("Send one object or a list of objects.")))
    if not payload:
        raise Refused(error(422, "empty", _("The list is empty.")))
    if len(payload) > MAX_ITEMS:
        raise Refused(error(422, "too_many", _("At most %(max)s items per request.", max=MAX_ITEMS)))
    return payload


def _shape(schema: type[Schema], items: list) -> list[dict]:
    """Return the items loaded by ``schema``; 422 with every shape problem by index and field."""
    try:
        return schema(many=True).load(items)
    except ValidationError as exc:
        found = []
        for index, fields in sorted(exc.messages.items()):
            for field, messages in fields.items():
                for message in messages if isinstance(messages, list) else [str(messages)]:
                    found.append(problem(SHAPE_CODES.get(message, "invalid"), message, index=index,
                                         field=None if field == "_schema" else field))
        raise Refused(errors(422, found)) from exc


def _replay(stored: idempotency.Stored):
    if not stored.same_request:
        return error(422, "idempotency_key_reused",
                     _("This Idempotency-Key was used with a different request: use a new key."),
                     field="Idempotency-Key")
    response = make_response(stored.body, stored.status)
    response.mimetype = "application/json"
    response.headers["Idempotent-Replayed"] = "true"
    return response


def push(source: str, schema: type[Schema]):
    """Handle a push of ``source`` items validated by ``schema``; return the response."""
    token = current_token()
    payload, raw, text = _body()
    key = _key()
    request_hash = idempotency.fingerprint(request.method, request.path, text)
    stored = idempotency.find(db.session, token.id, key, request_hash) if key else None
    if stored is not None:
        return _replay(stored)
    items = _shape(schema, _items(payload))
    actor = ApiActor(token.created_by, f"api:{token.prefix}")
    label = f"API {request.method} {request.path} ({token.prefix}{', key ' + key if key else ''})"
    try:
        result = api_push.push(db.session, actor, source, items, label=label,
                               sha256=hashlib.sha256(raw).hexdigest(), user_id=token.created_by)
    except api_push.PushRejected as rejected:
        db.session.rollback()
        return errors(422, [problem(p.code, p.message, index=p.index, field=p.field, value=p.value)
                            for p in rejected.problems])
    body = json.dumps(schemas.PushResult().dump(result), ensure_ascii=False)
    if key:
        idempotency.remember(db.session, token.id, key, request.method, request.path, request_hash, 200, body)
    try:
        db.session.commit()
    except IntegrityError:
        # Another request with the same key committed first (it waited for ours on the import lock).
        db.session.rollback()
        stored = idempotency.find(db.session, token.id, key, request_hash) if key else None
        if stored is None:
            raise
        return _replay(stored)
    response = make_response(body, 200)
    response.mimetype = "application/json"
    return response
