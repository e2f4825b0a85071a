"""The demo's commission cycles: the month before last run to its end, last month waiting for the partners.

Someone trying the demo should find statements, a dispute, an invoice batch, issued pro-forma invoices and an
accounting export without waiting ten days for a dispute window. So the seed drives two cycles through the
services the task pages call, acting as the demo users:

- the month before last: calculated and validated by ``backoffice``, statements published, every review closed
  (its dispute window lasts one second, so the fired timers accept each statement as published), the invoice
  batch built and approved by ``finance`` (never the validator: segregation of duties), the pro-forma invoices
  issued with their PDFs stored, and the accounting export written;
- last month: calculated, validated and published with the company's dispute window, each partner's review
  waiting in the inbox, and one dispute raised by ``agente`` waiting for the back-office.

Every step commits as the pages do, so the cycles run once the network is committed; a step that stops raises
``DemoCycleError`` naming the period and the step.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP
from decimal import Decimal
from time import perf_counter

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

import workflows
from app.models import CommissionLine
from app.models import Invoice
from app.models import InvoiceBatch
from app.models import Statement
from app.models import User
from app.services import cycle
from app.services import notifications
from app.services.disputes import raising
from calc.inputs import first_of_month
from calc.inputs import months_before
from calc.inputs import period_from_text
from workflows import clock
from workflows import worker

# The finished month's dispute window: nobody answers in time, and the seed need not wait for it.
FINISHED_WINDOW = "PT1S"
# What the demo agent claims on the disputed line, against what was calculated.
CLAIMED_FACTOR = Decimal("1.5")
CENT = Decimal("0.01")


class DemoCycleError(RuntimeError):
    """A demo cycle that stopped somewhere other than where the seed expected it."""


@dataclass
class CycleReport:
    """What the seed left in one period's cycle, for the summary."""

    period: str
    stage: str
    statements: int = 0
    open_reviews: int = 0
    batch_id: int | None = None
    invoices: int = 0
    export_sha256: str | None = None
    dispute_id: int | None = None
    seconds: float = 0.0

    def line(self) -> str:
        """Return the summary line of this cycle."""
        text = f"  {self.period}  {self.stage:<22} {self.statements:>5,} statements"
        if self.batch_id is not None:
            text += f", batch #{self.batch_id}: {self.invoices:,} invoices, export sha256 {self.export_sha256[:12]}…"
        if self.open_reviews:
            text += f", {self.open_reviews:,} reviews open"
        if self.dispute_id is not None:
            text += f", dispute #{self.dispute_id} by agente"
        return text + f"  {self.seconds:.1f} s"


class _Cycle:
    """One period's cycle, driven task by task as the demo users would, committing after each step."""

    def __init__(self, session: Session, starter: User, month: date, variables: dict | None = None):
        self.session, self.period = session, f"{month:%Y-%m}"
        self.id = cycle.start_cycle(session, starter, month, variables).id
        session.commit()

    def complete(self, user: User, bpmn_id: str, data: dict | None = None) -> None:
        cycle.complete(self.session, user, self.task(bpmn_id), data or {})
        self.session.commit()
        self.run_jobs()

    def task(self, bpmn_id: str) -> workflows.HumanTaskInfo:
        ready = workflows.ready_tasks(self.session, instance_id=self.id)
        found = [task for task in ready if task.bpmn_id == bpmn_id]
        if len(found) != 1:
            waiting = ", ".join(task.bpmn_id for task in ready) or "nothing"
            raise DemoCycleError(f"the demo cycle of {self.period} waits for {waiting}, not for {bpmn_id}")
        return found[0]

    def run_jobs(self) -> None:
        """Run the queued background jobs (the calculation, the issuing) here; stop on a failed step."""
        worker.run_pending(self.session)
        self.check()

    def check(self) -> workflows.ProcessInstanceInfo:
        info = workflows.get_instance(self.session, self.id)
        if info.is_error:
            raise DemoCycleError(f"the demo cycle of {self.period} stopped at {info.error_task}: "
                                 f"{info.error_message}")
        return info

    def close_reviews(self) -> None:
        """Wait out the reviews' dispute windows and fire their timers: each statement is accepted as published."""
        reviews = workflows.list_instances(self.session, process_id=cycle.REVIEW, period=self.period,
                                           limit=1_000_000)
        due = [clock.as_utc(r.next_timer_at) for r in reviews if r.next_timer_at is not None]
        if due:
            time.sleep(max(0.0, (max(due) - clock.now()).total_seconds()) + 0.05)
        for _ in range(len(reviews) + 1):
            if not workflows.fire_due_timers(self.session, limit=1_000):
                break
        still_open = [r.id for r in workflows.list_instances(self.session, process_id=cycle.REVIEW,
                                                              period=self.period, limit=1_000_000)
                      if r.status != "completed"]
        if still_open:
            raise DemoCycleError(f"{len(still_open)} reviews of {self.period} did not close "
                                 f"(process instances {still_open[:5]})")


def _users(session: Session, *names: str) -> list[User]:
    found = {u.username: u for u in session.scalars(select(User).where(User.username.in_(names)))}
    missing = [name for name in names if name not in found]
    if missing:
        raise DemoCycleError(f"demo users missing: {', '.join(missing)}")
    return [found[name] for name in names]


def _statement_count(session: Session, period: str) -> int:
    month = period_from_text(period)
    return session.scalar(select(func.count()).select_from(Statement).where(Statement.period.has(month=month)))


def finish_cycle(session: Session, month: date) -> CycleReport:
    """Run the cycle of ``month`` to its end: validated, published, reviewed, approved, issued and exported."""
    started = perf_counter()
    backoffice, finance = _users(session, "backoffice", "finance")
    run = _Cycle(session, backoffice, month, {"dispute_window": FINISHED_WINDOW})
    run.complete(backoffice, "load_data", {})
    run.complete(backoffice, "validate_calculation", {"validation": "approve"})
    run.close_reviews()
    run.run_jobs()
    run.complete(finance, "finance_approval", {"approval": "approve"})
    if run.check().status != "completed":
        raise DemoCycleError(f"the demo cycle of {run.period} did not reach its end")
    batch = session.scalars(select(InvoiceBatch).where(InvoiceBatch.period.has(month=month))
                            .order_by(InvoiceBatch.id.desc())).first()
    invoices = session.scalar(select(func.count()).select_from(Invoice)
                              .where(Invoice.batch_id == batch.id, Invoice.pdf.is_not(None)))
    return CycleReport(run.period, "exported", statements=_statement_count(session, run.period),
                       batch_id=batch.id, invoices=invoices, export_sha256=batch.export_sha256,
                       seconds=perf_counter() - started)


def cycle_to_reviews(session: Session, month: date) -> CycleReport:
    """Run the cycle of ``month`` until the statements are published, then raise the demo agent's dispute."""
    started = perf_counter()
    backoffice, agente = _users(session, "backoffice", "agente")
    run = _Cycle(session, backoffice, month)
    run.complete(backoffice, "load_data", {})
    run.complete(backoffice, "validate_calculation", {"validation": "approve"})
    dispute_id = raise_demo_dispute(session, agente, run.period)
    reviews = workflows.list_instances(session, process_id=cycle.REVIEW, period=run.period, limit=1_000_000)
    return CycleReport(run.period, "waiting for reviews", statements=_statement_count(session, run.period),
                       open_reviews=sum(r.status != "completed" for r in reviews), dispute_id=dispute_id,
                       seconds=perf_counter() - started)


def raise_demo_dispute(session: Session, user: User, period: str) -> int | None:
    """Have ``user`` dispute the largest line of its statement of ``period``; return the dispute id, if any."""
    tasks = [t for t in workflows.ready_tasks(session, user=user)
             if t.bpmn_id == "review_statement" and t.period == period]
    if not tasks:
        return None
    task = tasks[0]
    statement = session.get(Statement, workflows.task_data(session, task.id)["statement_id"])
    line = session.scalars(select(CommissionLine).where(
        CommissionLine.run_id == statement.run_id, CommissionLine.partner_id == statement.partner_id,
        CommissionLine.amount > 0).order_by(CommissionLine.amount.desc(), CommissionLine.id)).first()
    if line is None:
        return None
    claimed = (line.amount * CLAIMED_FACTOR).quantize(CENT, rounding=ROUND_HALF_UP)
    contract = f" del contratto {line.contract_ref}" if line.contract_ref else ""
    reason = (f"La provvigione{contract} non applica la maggiorazione concordata con l'agenzia: "
              f"chiedo {_euro(claimed)} € invece di {_euro(line.amount)} €.")
    dispute = raising.raise_dispute(session, user, statement, [line.id], reason, {line.id: claimed},
                                    window_closes_at=task.due_at)
    cycle.complete(session, user, task, {"decision": "dispute", "dispute_id": dispute.id})
    session.commit()
    return dispute.id


def _euro(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def run_demo_cycles(session: Session, today: date, echo: Callable[[str], None]) -> list[CycleReport]:
    """Leave the demo with the month before last invoiced and exported, and last month in review."""
    this_month = first_of_month(today)
    reports = []
    # no request chooses the language here: notifications and e-mails go out in the company's default
    with notifications.default_language():
        for drive, month in ((finish_cycle, months_before(this_month, 2)),
                             (cycle_to_reviews, months_before(this_month, 1))):
            reports.append(drive(session, month))
            echo(reports[-1].line())
    return reports
