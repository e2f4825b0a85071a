"""GET /api/v1/accruals?partner_id=&period=: the accrued balances (maturato) of an open period."""

from flask import request
from flask_babel import gettext as _
from sqlalchemy import func
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
from app.models import AccruedBalance
from app.models import Partner
from app.services.accrual import figures
from calc.inputs import period_from_text
from calc.money import ZERO


def _balance(balance: AccruedBalance, codes: dict[int, str]) -> dict:
    return {"partner_id": balance.partner_id, "partner_code": codes[balance.partner_id],
            "period": balance.period.strftime("%Y-%m"), "plan_code": balance.plan_code,
            "component_id": balance.component_id, "amount": balance.amount, "held": balance.held,
            "lines": balance.lines, "updated_at": balance.updated_at}


@bp.get("/accruals")
@token_required("accruals:read")
@documented("List accrued balances", tag="Accruals", query=schemas.AccrualQuery, response=schemas.AccrualPage,
            not_found=True,
            description="What each partner has accrued so far in an open period, per plan component, kept up "
                        "to date as contracts, events and billing lines arrive. `amount` is the sum of the "
                        "balances selected (every page).")
def accrual_list():
    args = query_args(schemas.AccrualQuery, request.args)
    month = period_from_text(args["period"]) if args.get("period") else None
    if month is None:
        latest = figures.latest_period(db.session)
        month = latest.month if latest else None
    scope, partner_id = partner_scope(), args.get("partner_id")
    if partner_id is not None and (row(Partner, partner_id) is None
                                   or (scope is not None and partner_id not in scope)):
        not_found(_("No such partner (or not visible to this token)."))
    condition = [AccruedBalance.period == month]
    if partner_id is not None:
        condition.append(AccruedBalance.partner_id == partner_id)
    elif scope is not None:
        condition.append(AccruedBalance.partner_id.in_(scope))
    query = (select(AccruedBalance).join(Partner, AccruedBalance.partner_id == Partner.id).where(*condition)
             .order_by(Partner.code, AccruedBalance.plan_code, AccruedBalance.component_id))
    page = page_of(query, args)
    ids = {b.partner_id for b in page["items"]}
    codes = dict(db.session.execute(select(Partner.id, Partner.code).where(Partner.id.in_(ids))).all()) if ids else {}
    page["items"] = [_balance(b, codes) for b in page["items"]]
    total = db.session.scalar(select(func.sum(AccruedBalance.amount)).where(*condition))
    return answer(schemas.AccrualPage, {**page, "period": month.strftime("%Y-%m") if month else None,
                                        "amount": total or ZERO})
