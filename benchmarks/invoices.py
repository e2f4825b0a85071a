"""Benchmark of pro-forma invoice issuing: 1,000 invoices numbered, rendered to PDF and stored.

It seeds a fresh database directly (partners with address and IBAN, one period, a run with three components'
lines per partner, one published statement per partner with its tax items — every 7th partner flat-rate with
stamp duty, every 10th with an advance — and an approved batch of unnumbered invoices), then times
``issue_invoices`` + commit, the way the cycle's service task runs it: numbers taken, every PDF rendered
(wkhtmltopdf in chunks, one process per core, pages split with pypdf) and stored. Before each run the invoices are
reset to unnumbered. It prints the median of the runs, the time per invoice and the wkhtmltopdf processes started.

    .venv/bin/python benchmarks/invoices.py                              # SQLite and PostgreSQL, 1,000 invoices
    .venv/bin/python benchmarks/invoices.py --runs 5 --invoices 2000
    .venv/bin/python benchmarks/invoices.py --only sqlite
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_invoices .venv/bin/python benchmarks/invoices.py
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import ROUND_HALF_UP
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import text
from sqlalchemy import update

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from app import create_app  # noqa: E402
from app.config import TestConfig  # noqa: E402
from app.demo.principal import store_demo_principal
from app.extensions import db  # noqa: E402
from app.models import CalculationRun  # noqa: E402
from app.models import CommissionLine  # noqa: E402
from app.models import CommissionPeriod  # noqa: E402
from app.models import Invoice  # noqa: E402
from app.models import InvoiceBatch  # noqa: E402
from app.models import InvoiceSequence  # noqa: E402
from app.models import Partner  # noqa: E402
from app.models import PeriodStatus  # noqa: E402
from app.models import RunStatus  # noqa: E402
from app.models import Statement  # noqa: E402
from app.models.invoice import BatchStatus  # noqa: E402
from app.services import pdf  # noqa: E402
from app.services.invoicing import issuing  # noqa: E402

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_invoices"
MONTH = date(2026, 2, 1)
CENT = Decimal("0.01")
COMPONENTS = (("activation", "Gettone attivazione", "one_off"), ("consumption", "Ricorrente sui consumi", "recurring"),
              ("override", "Override sulla rete", "override"))


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _app(url: str):
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    return create_app(config | {"SQLALCHEMY_DATABASE_URI": url})


def _fresh(url: str) -> None:
    """Empty the database (PostgreSQL: create it if missing) and migrate it."""
    from flask_migrate import upgrade

    if url.startswith("postgresql"):
        base, name = url.rsplit("/", 1)
        admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = _app(url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _taxes(index: int, taxable: Decimal) -> dict:
    """Return plausible tax items: ordinary agents with VAT, withholding and ENASARCO; every 7th flat-rate."""
    flat_rate = index % 7 == 0
    vat = Decimal("0.00") if flat_rate else _cents(taxable * Decimal("0.22"))
    withholding = Decimal("0.00") if flat_rate else _cents(taxable * Decimal("0.5") * Decimal("0.23"))
    enasarco = _cents(taxable * Decimal("0.085"))
    stamp = Decimal("2.00") if flat_rate and taxable > Decimal("77.47") else Decimal("0.00")
    total = taxable + vat + stamp
    detail = {"vat_rate": "0" if flat_rate else "0.22", "withholding_rate": "0" if flat_rate else "0.23",
              "split_payment": False, "stamp_rebilled": True,
              "fatturapa": {"vat_nature": "N2.2" if flat_rate else None}}
    return {"taxable": taxable, "vat": vat, "withholding": withholding, "enasarco_agent": enasarco,
            "stamp_duty": stamp, "document_total": total, "net_payable": total - withholding - enasarco,
            "tax_detail": detail}


def seed(count: int) -> int:
    """Seed ``count`` partners with a published statement each and an approved batch; return the batch id."""
    session = db.session
    partners = [{"code": f"P{i:05d}", "name": f"Agente Numero {i} Srl", "kind": "agent", "territory": "Lombardia",
                 "vat_number": f"{10000000000 + i}", "fiscal_code": f"RSSMRA80A01F{i:04d}", "address":
                 f"Via Giuseppe Garibaldi {i}", "city": "Milano", "province": "MI", "postcode": "20121",
                 "iban": f"IT60X0542811101{i:012d}", "email": f"agente{i}@example.it", "active_from": date(2025, 1, 1)}
                for i in range(count)]
    session.execute(insert(Partner), partners)
    partner_ids = list(session.scalars(text("SELECT id FROM partner ORDER BY id")))
    period = CommissionPeriod(month=MONTH, status=PeriodStatus.APPROVED)
    session.add(period)
    session.flush()
    run = CalculationRun(period_id=period.id, version=1, status=RunStatus.SUCCEEDED)
    session.add(run)
    session.flush()
    period.current_run_id = run.id
    lines, statements = [], []
    for index, partner_id in enumerate(partner_ids):
        amounts = (Decimal(50 + index % 5 * 25), _cents(Decimal(index % 97) * Decimal("1.37")), Decimal("12.40"))
        for (component, label, kind), amount in zip(COMPONENTS, amounts, strict=True):
            lines.append({"run_id": run.id, "partner_id": partner_id, "period": MONTH, "line_key": f"{partner_id}|{component}",
                          "plan_code": "agents", "plan_version": 1, "component_id": component, "component_kind": kind,
                          "line_kind": "earned" if kind != "override" else "override", "amount": amount,
                          "status": "payable", "source_kind": "contract", "source_ref": f"C-{partner_id}",
                          "label": label})
        taxable = sum(amounts, Decimal("0.00"))
        statements.append({"period_id": period.id, "partner_id": partner_id, "run_id": run.id,
                           "review_deadline": date(2026, 3, 10), "gross": taxable, "payable": taxable,
                           "has_advance": index % 10 == 0, **_taxes(index, taxable)})
    session.execute(insert(CommissionLine), lines)
    session.execute(insert(Statement), statements)
    batch = InvoiceBatch(period_id=period.id, status=BatchStatus.APPROVED, invoice_count=count)
    session.add(batch)
    session.flush()
    amounts = ("taxable", "vat", "withholding", "enasarco_agent", "stamp_duty", "document_total", "net_payable")
    rows = session.execute(text("SELECT id, partner_id, " + ", ".join(amounts) + " FROM statement ORDER BY id"))
    session.execute(insert(Invoice), [{"batch_id": batch.id, "statement_id": row[0], "partner_id": row[1],
                                       **dict(zip(amounts, row[2:], strict=True))} for row in rows])
    store_demo_principal(session)
    session.commit()
    return batch.id


def reset(batch_id: int) -> None:
    """Make the batch approved and its invoices unnumbered again."""
    session = db.session
    session.execute(update(Invoice).values(year=None, number=None, document_date=None, issued_at=None, pdf=None,
                                           pdf_sha256=None))
    session.execute(update(InvoiceBatch).where(InvoiceBatch.id == batch_id).values(status=BatchStatus.APPROVED))
    session.execute(delete(InvoiceSequence))
    session.commit()
    session.expunge_all()


def _cpu_seconds() -> float:
    """Return the CPU time of this process and its finished children (the wkhtmltopdf processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def issue_once(batch_id: int) -> tuple[float, float, int, int]:
    """Issue the batch; return (seconds, CPU seconds, wkhtmltopdf processes, bytes of PDF stored)."""
    processes, cpu = pdf.process_count(), _cpu_seconds()
    started = time.perf_counter()
    batch = db.session.get(InvoiceBatch, batch_id)
    invoices = issuing.issue_invoices(db.session, None, batch)
    db.session.commit()
    elapsed = time.perf_counter() - started
    return (elapsed, _cpu_seconds() - cpu, pdf.process_count() - processes,
            sum(len(invoice.pdf) for invoice in invoices))


def bench(label: str, url: str, count: int, runs: int) -> None:
    _fresh(url)
    app = _app(url)
    with app.app_context():
        started = time.perf_counter()
        batch_id = seed(count)
        print(f"[{label}] seeded {count:,} partners, statements and invoices in {time.perf_counter() - started:.1f} s")
        times = []
        for run in range(1, runs + 1):
            reset(batch_id)
            elapsed, cpu, processes, size = issue_once(batch_id)
            times.append(elapsed)
            print(f"[{label}] run {run}: {elapsed:.2f} s ({cpu:.1f} CPU-s with wkhtmltopdf), {processes} wkhtmltopdf "
                  f"processes, {size / count / 1024:.1f} KiB per PDF; load average {os.getloadavg()[0]:.1f}")
        median = statistics.median(times)
        print(f"[{label}] {count:,} invoices issued, rendered and stored: median {median:.2f} s of {runs} runs "
              f"({median / count * 1000:.1f} ms per invoice; {pdf.workers()} parallel wkhtmltopdf; "
              f"target <= 60 s: {'met' if median <= 60 else 'MISSED'})")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as folder:
            bench("sqlite", f"sqlite:///{folder}/bench_invoices.sqlite", args.invoices, args.runs)
    if args.only != "sqlite":
        bench("postgresql", os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG_URL), args.invoices, args.runs)


if __name__ == "__main__":
    main()
