"""What a statement page, its workbook and its PDF show: the statement, its lines by component, explained, its
adjustments, its disputes (its own and those carried into its period) and its figures before a revision. All three
take their data from ``statement_context`` so the screen and the files cannot drift apart."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from app.models import CommissionLine
from app.models import CommissionPeriod
from app.models import Statement
from app.services.calculation import results
from app.services.calculation.explain import explain
from app.services.disputes import resolving
from app.services.disputes import revision
from calc.money import ZERO


@dataclass(frozen=True)
class LineGroup:
    """The lines of one plan component in a statement, with their subtotal."""

    plan_code: str
    plan_version: int
    component_id: str
    lines: list[CommissionLine]

    @property
    def label(self) -> str:
        return self.lines[0].label or self.component_id

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def held(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.status == "held"), ZERO)


def of_period(session: Session, month: date) -> list[Statement]:
    """Return the published statements of ``month``, by partner id."""
    return list(session.scalars(select(Statement).join(CommissionPeriod, Statement.period_id == CommissionPeriod.id)
                                .where(CommissionPeriod.month == month).order_by(Statement.partner_id)
                                .options(selectinload(Statement.partner))))


def statement_context(session: Session, statement: Statement) -> dict:
    """Return the statement with its line groups, their explanations and its adjustments."""
    lines = list(session.scalars(results.partner_lines(statement.run_id, statement.partner_id)))
    groups = [LineGroup(key[0], key[1], key[2], list(group))
              for key, group in groupby(lines, key=lambda ln: (ln.plan_code, ln.plan_version, ln.component_id))]
    adjustments = revision.adjustments_of(session, statement.id)
    disputes = resolving.disputes_of(session, statement)
    disputed = {line.commission_line_id: dispute for dispute in disputes for line in dispute.lines}
    return {"statement": statement, "partner": statement.partner, "label": statement.period.label,
            "groups": groups, "explanations": explain(session, lines), "adjustments": adjustments,
            "fatturapa": (statement.tax_detail or {}).get("fatturapa", {}), "disputes": disputes,
            "disputed": disputed, "revision": revision.first_and_latest(session, statement.id)}


def carried_in_pending(context: dict) -> list:
    """Return the unanswered lines of disputes carried into the statement's period (answered on its page)."""
    statement = context["statement"]
    return [line for dispute in context["disputes"] if dispute.statement_id != statement.id
            for line in resolving.pending_lines(dispute)]
