"""GET /api/v1/statements?period=YYYY-MM (paginated) and GET /api/v1/statements/{id} with its components."""

from flask import request
from flask_babel import gettext as _
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import joinedload

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
from app.models import CommissionLine
from app.models import CommissionPeriod
from app.models import Partner
from app.models import Statement
from calc.inputs import period_from_text
from calc.money import ZERO

AMOUNTS = ("gross", "held", "payable", "adjustments", "taxable", "vat", "withholding", "enasarco_agent",
           "stamp_duty", "document_total", "net_payable")


def _statement(statement: Statement) -> dict:
    return {"id": statement.id, "period": statement.period.month.strftime("%Y-%m"),
            "partner_id": statement.partner_id, "partner_code": statement.partner.code,
            "status": statement.status.value, "review_deadline": statement.review_deadline,
            "published_at": statement.published_at, **{name: getattr(statement, name) for name in AMOUNTS}}


def _components(statement: Statement) -> list[dict]:
    """Return the statement's lines summed by plan component (one query, whatever the number of lines)."""
    line = CommissionLine
    rows = db.session.execute(
        select(line.plan_code, line.plan_version, line.component_id, func.count(), func.sum(line.amount),
               func.sum(case((line.status == "held", line.amount), else_=0)))
        .where(line.run_id == statement.run_id, line.partner_id == statement.partner_id)
        .group_by(line.plan_code, line.plan_version, line.component_id)
        .order_by(line.plan_code, line.plan_version, line.component_id))
    return [{"plan_code": plan, "plan_version": version, "component_id": component, "lines": count,
             "amount": amount or ZERO, "held": held or ZERO}
            for plan, version, component, count, amount, held in rows]


@bp.get("/statements")
@token_required("statements:read")
@documented("List statements", tag="Statements", query=schemas.StatementQuery, response=schemas.StatementPage,
            description="Published statements, of one period with `period=YYYY-MM`, newest period first, "
                        "then by partner code.")
def statement_list():
    args = query_args(schemas.StatementQuery, request.args)
    query = (select(Statement).join(CommissionPeriod, Statement.period_id == CommissionPeriod.id)
             .join(Partner, Statement.partner_id == Partner.id)
             .options(joinedload(Statement.period), joinedload(Statement.partner))
             .order_by(CommissionPeriod.month.desc(), Partner.code, Statement.id))
    month = period_from_text(args["period"]) if args.get("period") else None
    if month is not None:
        query = query.where(CommissionPeriod.month == month)
    scope = partner_scope()
    if scope is not None:
        query = query.where(Statement.partner_id.in_(scope))
    page = page_of(query, args)
    page["items"] = [_statement(s) for s in page["items"]]
    return answer(schemas.StatementPage, page)


@bp.get("/statements/<int:statement_id>")
@token_required("statements:read")
@documented("Get a statement", tag="Statements", response=schemas.StatementDetail, path_params=("statement_id",),
            not_found=True, description="The statement with its amounts summed by plan component.")
def statement_detail(statement_id: int):
    scope = partner_scope()
    statement = row(Statement, statement_id)
    if statement is None or (scope is not None and statement.partner_id not in scope):
        not_found(_("No such statement (or not visible to this token)."))
    return answer(schemas.StatementDetail, {**_statement(statement), "components": _components(statement)})
