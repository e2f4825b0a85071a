"""Publishing a validated period: one statement per partner with earnings, with its tax items, in one transaction.

The statement keeps the totals of the run's lines (calc.statement buckets), the adjustments of disputes carried
from earlier periods and accepted since (booked now, with their lineage), and the tax items computed by calc.tax;
the ENASARCO ledger records the base each statement used, so the next statement of the year starts from the
remaining ceiling. Each partner's users are told that their statement is out.
"""

from datetime import date
from datetime import timedelta
from decimal import Decimal

import polars as pl
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.run import CommissionPeriod
from app.models.run import PeriodStatus
from app.models.statement import DisputedLine
from app.models.statement import Statement
from app.services import audit
from app.services import notifications
from app.services import settings
from app.services.calculation import lines as stored_lines
from app.services.disputes import resolving
from app.services.statements import taxes
from calc.inputs import next_month
from calc.money import ZERO
from calc.money import from_cents
from calc.statement import summarize


class PublishingError(RuntimeError):
    """A period whose statements cannot be published (not validated, already published, missing profiles)."""


def _accrual_parts(lines: pl.DataFrame, period: date) -> pl.DataFrame:
    """Return payable cents per partner and accrual date (the line's event date, else the period)."""
    payable = lines.filter(pl.col("status") != "held")
    return (payable.with_columns(pl.coalesce("event_date", "period").alias("accrued_on"))
            .with_columns(pl.col("accrued_on").dt.year().alias("year"))
            .group_by("partner_id", "year").agg(pl.col("amount_cents").sum(), pl.col("accrued_on").max()))


def waiting_carried_lines(session: Session) -> dict[int, list[DisputedLine]]:
    """Return, by partner, the accepted lines of carried disputes not booked into a statement yet."""
    waiting: dict[int, list[DisputedLine]] = {}
    for line in resolving.pending_carried(session):
        waiting.setdefault(line.dispute.statement.partner_id, []).append(line)
    return waiting


def published(session: Session, month: date, partner_id: int) -> Statement | None:
    """Return the partner's published statement of ``month``, if any."""
    return session.scalar(select(Statement).join(CommissionPeriod, Statement.period_id == CommissionPeriod.id)
                          .where(CommissionPeriod.month == month, Statement.partner_id == partner_id))


def publish(session: Session, user, month: date) -> list[Statement]:
    """Publish the statements of a validated period; return them."""
    period = session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == month))
    if period is None or period.current_run_id is None:
        raise PublishingError(f"period {month:%Y-%m} has no calculation to publish")
    if period.status != PeriodStatus.VALIDATED:
        raise PublishingError(f"period {period.label} is {period.status.value}: only a validated calculation "
                              "is published")
    if session.scalar(select(Statement.id).where(Statement.period_id == period.id).limit(1)) is not None:
        raise PublishingError(f"the statements of {period.label} are already published")
    lines = stored_lines.of_run(session, period.current_run_id)
    totals = summarize(lines)
    parts = _accrual_parts(lines, month)
    last_day = next_month(month) - timedelta(days=1)
    window = int(settings.value_on(session, "dispute_window_days", last_day))
    deadline = date.today() + timedelta(days=window)
    statements = []
    carried = waiting_carried_lines(session)
    terms = taxes.company_terms(session, last_day)
    for row in totals.iter_rows(named=True):
        statement = _statement(session, period, row, parts, last_day, deadline, carried.get(row["partner_id"], []),
                               terms)
        statements.append(statement)
    audit.record(session, user, "statements.published", "commission_period", period.id,
                 after={"period": period.label, "statements": len(statements), "review_deadline": deadline})
    for statement in statements:
        _tell(session, statement, period.label, deadline)
    return statements


def _tell(session: Session, statement: Statement, label: str, deadline: date) -> None:
    notifications.notify(
        session, partner_id=statement.partner_id, kind="statement_published",
        title=_l("Your statement of %(period)s is published", period=label),
        body=_l("Net payable %(amount)s €. Review it by %(deadline)s: accept it or dispute the lines you do not "
                "agree with.", amount=notifications.amount(statement.net_payable),
                deadline=deadline.strftime("%d/%m/%Y")),
        link=notifications.link_to("statements.detail", month=label, partner_id=statement.partner_id))


def _statement(session: Session, period: CommissionPeriod, row: dict, parts: pl.DataFrame, last_day: date,
               deadline: date, carried_lines: list[DisputedLine], terms: taxes.CompanyTerms) -> Statement:
    partner_id = row["partner_id"]
    statement = Statement(period_id=period.id, partner_id=partner_id, run_id=period.current_run_id,
                          review_deadline=deadline, gross=from_cents(row["gross_cents"]),
                          held=from_cents(row["held_cents"]), payable=from_cents(row["payable_cents"]),
                          has_advance=row["advances_cents"] != 0 or row["advance_recovery_cents"] != 0)
    session.add(statement)
    session.flush()
    accrual = [(r["accrued_on"], from_cents(r["amount_cents"]))
               for r in parts.filter(pl.col("partner_id") == partner_id).iter_rows(named=True)]
    with notifications.default_language():  # an adjustment's default reason is worded in the app's language
        carried = [resolving.book(session, None, line, statement, "carried") for line in carried_lines]
    accrual.extend((last_day, adjustment.amount) for adjustment in carried)
    statement.adjustments = sum((a.amount for a in carried), ZERO)
    apply_taxes(session, statement, accrual, last_day, terms)
    return statement


def apply_taxes(session: Session, statement: Statement, accrual: list[tuple[date, Decimal]], on: date,
                terms: taxes.CompanyTerms | None = None) -> None:
    """Compute and store the statement's tax items and record its ENASARCO base in the ledger."""
    items = taxes.compute(session, statement.partner_id, on, accrual, terms)
    statement.taxable = items.taxable
    statement.vat, statement.withholding, statement.stamp_duty = items.vat, items.withholding, items.stamp_duty
    statement.enasarco_agent, statement.enasarco_principal = items.enasarco_agent, items.enasarco_principal
    statement.enasarco_base = items.enasarco_base
    statement.document_total, statement.net_payable = items.document_total, items.net_payable
    statement.tax_detail = taxes.tax_detail(items)
    session.add_all(taxes.ledger_entries(statement.partner_id, statement.id, items))
