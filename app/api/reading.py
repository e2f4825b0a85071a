"""Shared steps of the read endpoints: query parameters checked by their schema, pages, periods, scope."""


from flask import jsonify
from marshmallow import Schema
from marshmallow import ValidationError
from sqlalchemy import Select

from app.api.errors import Refused
from app.api.errors import errors
from app.api.errors import problem
from app.api.spec import MAX_ID
from app.extensions import db


def query_args(schema: type[Schema], args) -> dict:
    """Return the query parameters loaded by ``schema``; 422 naming each bad parameter."""
    try:
        return schema().load(args.to_dict())
    except ValidationError as exc:
        raise Refused(errors(422, [problem("invalid", message, field=field)
                                   for field, messages in sorted(exc.messages.items()) for message in messages])) from exc


def page_of(query: Select, args: dict) -> dict:
    """Return one page of ``query`` as the paging fields plus ``items`` (the ORM rows)."""
    page = db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False, count=True)
    return {"page": page.page, "per_page": page.per_page, "total": page.total or 0, "pages": page.pages,
            "items": list(page.items)}


def answer(schema: type[Schema], data: dict):
    """Return ``data`` dumped by ``schema`` as the JSON response."""
    return jsonify(schema().dump(data))


def row(model, row_id: int):
    """Return the row of ``model`` with id ``row_id``, or None (also for ids beyond PostgreSQL's integer)."""
    return db.session.get(model, row_id) if 0 < row_id <= MAX_ID else None


def not_found(message: str):
    """Raise the API's 404 with ``message``."""
    raise Refused(errors(404, [problem("not_found", message)]))
