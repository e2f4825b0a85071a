"""GET /api/v1/partners (paginated, filtered by text and kind) and GET /api/v1/partners/{id}."""

from datetime import date

from flask import request
from flask_babel import gettext as _
from sqlalchemy import select

from app.api import bp
from app.api import schemas
from app.api.auth import partner_scope
from app.api.auth import token_required
from app.api.reading import answer
from app.api.reading import not_found
from app.api.reading import page_of
from app.api.reading import query_args
from app.api.reading import row
from app.api.spec import documented
from app.extensions import db
from app.models import Partner
from app.models import PartnerLink
from app.services import network
from app.services import partners


def _parents(ids: list[int]) -> dict[int, int]:
    """Return partner id → parent id today, for ``ids``."""
    if not ids:
        return {}
    rows = db.session.execute(select(PartnerLink.partner_id, PartnerLink.parent_id).where(
        PartnerLink.partner_id.in_(ids), network.link_valid_on(date.today())))
    return dict(rows.all())


def _partner(partner: Partner, parent_id: int | None) -> dict:
    return {"id": partner.id, "code": partner.code, "name": partner.name, "kind": partner.kind.value,
            "territory": partner.territory, "vat_number": partner.vat_number, "fiscal_code": partner.fiscal_code,
            "city": partner.city, "province": partner.province, "email": partner.email,
            "active_from": partner.active_from, "active_to": partner.active_to, "parent_id": parent_id}


@bp.get("/partners")
@token_required("partners:read")
@documented("List partners", tag="Partners", query=schemas.PartnerQuery, response=schemas.PartnerPage,
            description="Partners by name, filtered by `q` (name, code, VAT number, fiscal code) and `kind`.")
def partner_list():
    args = query_args(schemas.PartnerQuery, request.args)
    page = page_of(partners.search(partner_scope(), args.get("q"), args.get("kind")), args)
    parents = _parents([p.id for p in page["items"]])
    page["items"] = [_partner(p, parents.get(p.id)) for p in page["items"]]
    return answer(schemas.PartnerPage, page)


@bp.get("/partners/<int:partner_id>")
@token_required("partners:read")
@documented("Get a partner", tag="Partners", response=schemas.Partner, path_params=("partner_id",),
            not_found=True)
def partner_detail(partner_id: int):
    scope = partner_scope()
    partner = row(Partner, partner_id)
    if partner is None or (scope is not None and partner_id not in scope):
        not_found(_("No such partner (or not visible to this token)."))
    return answer(schemas.Partner, _partner(partner, _parents([partner_id]).get(partner_id)))
